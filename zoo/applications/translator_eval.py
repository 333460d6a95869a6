"""Evaluation of a translator: sacrebleu BLEU (cased, default 13a
tokenization, raw references) and chrF, greedy and beam, overall and by
source length."""

import time

from zoo.applications import translator_preprocessor as tp

LENGTH_BUCKETS = ((1, 10), (11, 15), (16, 20), (21, 1000))


def bleu(hypotheses, references):
    """sacrebleu corpus BLEU with its defaults; the score has `.signature`."""
    import sacrebleu

    metric = sacrebleu.BLEU()
    score = metric.corpus_score(hypotheses, [references])
    score.signature = str(metric.get_signature())
    return score


def evaluate(model, sources, references, beam_size=4, length_penalty=0.6, batch_size=64):
    """BLEU and chrF of `model` on (sources, references), greedy and beam,
    with the BLEU of each source-length bucket (in words)."""
    import sacrebleu

    sources, _ = tp.check_texts("sources", sources)
    references, _ = tp.check_texts("references", references)
    report = {"sentences": len(sources)}
    outputs = {}
    for sampler in ("greedy", "beam"):
        start = time.time()
        hyps = model.translate(
            sources,
            sampler=sampler,
            beam_size=beam_size,
            length_penalty=length_penalty,
            batch_size=batch_size,
        )
        outputs[sampler] = hyps
        score = bleu(hyps, references)
        report[sampler] = {
            "bleu": round(score.score, 2),
            "bleu_signature": score.signature,
            "chrf": round(sacrebleu.corpus_chrf(hyps, [references]).score, 2),
            "seconds": round(time.time() - start, 1),
        }
    by_length = []
    for low, high in LENGTH_BUCKETS:
        rows = [i for i, s in enumerate(sources) if low <= len(s.split()) <= high]
        if not rows:
            continue
        entry = {"source_words": f"{low}-{high}" if high < 1000 else f">={low}", "sentences": len(rows)}
        for sampler, hyps in outputs.items():
            entry[sampler] = round(bleu([hyps[i] for i in rows], [references[i] for i in rows]).score, 2)
        by_length.append(entry)
    report["by_source_length"] = by_length
    report["examples"] = [
        {
            "source": sources[i],
            "reference": references[i],
            "greedy": outputs["greedy"][i],
            "beam": outputs["beam"][i],
        }
        for i in range(min(5, len(sources)))
    ]
    return report
