from setuptools import find_packages, setup

setup(
    name="zoo",
    version="0.1.0",
    description="A Keras 3 model zoo of recurrent networks: cells, attention, applications.",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10",
    packages=find_packages(include=["zoo", "zoo.*"]),
    include_package_data=True,
    package_data={"zoo": ["presets/*/*", "presets/*/assets/*"]},
    install_requires=[
        # `tensorflow`, not `tensorflow-cpu`: keras-hub needs tensorflow-text,
        # which requires `tensorflow` (both would install TensorFlow twice).
        "tensorflow==2.21.*",
        "keras>=3.15,<3.16",
        "keras-hub>=0.32,<0.33",
        "numpy>=1.26",
        "matplotlib>=3.8",
        "regex>=2023.0",
        "sacrebleu>=2.4",
    ],
    extras_require={
        "jax": ["jax>=0.6"],
        "notebooks": ["nbclient>=0.10", "nbformat>=5.10", "ipykernel>=6.29"],
        "tests": [
            "pytest>=8",
            "hypothesis>=6.100",
            "ruff>=0.6",
            "jax>=0.6",
            "nbclient>=0.10",
            "nbformat>=5.10",
            "ipykernel>=6.29",
        ],
    },
    entry_points={"console_scripts": ["zoo=zoo.cli:main"]},
)
