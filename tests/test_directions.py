"""Metric directions (generator.rules.directions): what a name says, and how the evidence is
weighed against it."""
from __future__ import annotations

import pytest

from generator.rules.directions import HIGHER, LOWER, decide, from_bold, from_name, from_order

# name -> what the name alone says (None: nothing, decided by the other evidence)
NAMES = {
    # errors and their acronyms
    "Top-1 Error Rate": LOWER, "Top-5 Error": LOWER, "Percentage error": LOWER,
    "Test Error (%)": LOWER, "Rerr": LOWER, "free-form mask l1 err": LOWER,
    "ACER": LOWER, "ACER@0.2BPCER": LOWER, "APCER (%)": LOWER, "BPCER": LOWER, "HTER": LOWER,
    "EER": LOWER, "minDCF": LOWER, "FPR95": LOWER, "MACE": LOWER,
    "RMSE": LOWER, "RMSE-log": LOWER, "iRMSE": LOWER, "iMAE": LOWER, "mRMSE-nz": LOWER,
    "m-relRMSE": LOWER, "ODRMSE": LOWER, "SILog": LOWER, "Abs Rel": LOWER, "MAE (Arousal)": LOWER,
    "BadPix(0.07)": LOWER, "bad pixel 3%": LOWER, "D1-all, %": LOWER, "Fl-all": LOWER,
    "EPE": LOWER, "Viewpoint II AEPE": LOWER, "MPJPE": LOWER, "PA-MPVPE": LOWER, "MJPE": LOWER,
    "NME": LOWER, "MMrTRE": LOWER, "Cumulative regret": LOWER, "Hamming Loss": LOWER,
    # likelihood costs
    "NLL": LOWER, "NegLL": LOWER, "Negative log-likelihood": LOWER, "Negative ELBO": LOWER,
    "Cross-entropy": LOWER, "mCE": LOWER, "Perplexity": LOWER, "bits/dimension": LOWER,
    "Log-likelihood": HIGHER, "ELBO": HIGHER,
    # divergences and distances
    "KL": LOWER, "KL divergence": LOWER, "JSD": LOWER, "Chamfer Distance": LOWER, "EMD": LOWER,
    # the wild corpus's costs and Chinese names (issue 27)
    "train mem (GB)": LOWER, "VRAM": LOWER, "RT": LOWER, "参数量": LOWER, "显存": LOWER,
    "错误率": LOWER, "推理时间": LOWER, "RTE": None, "Retrieval": None,
    "MD": LOWER, "MHD": LOWER, "HD": LOWER,
    "Hausdorff": LOWER, "HD95": LOWER, "95HD (mm)": LOWER, "ASSD": LOWER, "MSD": LOWER,
    "Average surface distance": LOWER, "RVD": LOWER, "Relative volume difference": LOWER,
    "VOE": LOWER, "AVD": LOWER, "LMD": LOWER, "VI Merge": LOWER, "Total Variation of Information": LOWER,
    # generative distances (and the score they come with)
    "FID": LOWER, "sFID": LOWER, "SceneFID": LOWER, "KID": LOWER, "FVD": LOWER, "FRD": LOWER,
    "Frechet Inception Distance": LOWER, "IS": HIGHER, "Inception Score": HIGHER,
    "mask-IS": HIGHER,
    # speech
    "WER": LOWER, "WER (%)": LOWER, "CER": LOWER, "PER": LOWER, "ABX-across": LOWER,
    "Word Error Rate (WER)": LOWER, "per-class accuracy": HIGHER, "WERR": HIGHER,
    "Relative WER reduction": HIGHER, "Error Reduction (%)": HIGHER, "Improvement": HIGHER,
    # detection
    "MR": LOWER, "mMR": LOWER, "Reasonable MR^-2": LOWER, "FPPI": LOWER, "LAMR": LOWER,
    "Miss rate": LOWER,
    # ranks: a rank is lower-is-better, rank-k accuracy and reciprocal rank higher
    "Rank": LOWER, "Mean Rank": LOWER, "Avg. rank": LOWER, "Average rank": LOWER,
    "text-to-video Median Rank": LOWER, "MedR": LOWER,
    "Rank-1": HIGHER, "rank-10": HIGHER, "Rank-1 Recognition Rate": HIGHER, "Rank@5": HIGHER,
    "MRR": HIGHER, "Mean reciprocal rank": HIGHER, "ERR@20": HIGHER,
    "Spearman rank correlation": HIGHER, "Rank accuracy": HIGHER,
    # sizes, costs and times
    "Params": LOWER, "#Params (M)": LOWER, "Number of params": LOWER, "FLOPs": LOWER,
    "GFLOPs": LOWER, "MACs": LOWER, "Model size": LOWER, "Size (MB)": LOWER,
    "Memory (GB)": LOWER, "Latency (ms)": LOWER, "Inference time": LOWER, "Time": LOWER,
    "runtime (s)": LOWER, "Search Time (GPU days)": LOWER, "Speed(ms/f)": LOWER,
    "Energy (J)": LOWER, "Cost": LOWER, "Collisions": LOWER, "Violations": LOWER,
    "Failure private": LOWER, "Outliers, %": LOWER,
    "FPS": HIGHER, "Speed (FPS)": HIGHER, "Throughput": HIGHER, "Speedup": HIGHER,
    "Accuracy over time": HIGHER,
    # scores, some at a condition that names an error or a rate
    "Accuracy": HIGHER, "Top-1 Accuracy (%)": HIGHER, "F1": HIGHER, "mAP": HIGHER, "AP": HIGHER,
    "APs": HIGHER, "AR@100": HIGHER, "P@1": HIGHER, "R@1": HIGHER, "Hits@10": HIGHER,
    "Dice": HIGHER, "DSC": HIGHER, "Dice Score": HIGHER, "NSD": HIGHER,
    "Normalized surface dice": HIGHER, "Jaccard (Mean)": HIGHER, "F-measure": HIGHER,
    "MS-SSIM": HIGHER, "PSNR": HIGHER, "BLEU": HIGHER, "Distinct-2": HIGHER, "Dist-1": HIGHER,
    "AUC (horizon error)": HIGHER, "TAR @ FAR=0.01": HIGHER, "GAR @1% FAR": HIGHER,
    "Recall@error<5°": HIGHER, "APH/L2": HIGHER, "mAP (L2)": HIGHER, "PERR": HIGHER,
    "AUC (outlier ratio = 0.5)": HIGHER, "ΔPESQ": HIGHER, "SDR (vocals)": HIGHER,
    # lower although they hold a score's word
    "Accuracy drop": LOWER, "Self-BLEU": LOWER,
    # names that say nothing, or both: the other evidence decides
    "Accuracy (error)": None, "Score": None, "DROP": None, "CallHome": None, "Path Length": None,
    "Scaled time-delay embeddings": None, "SemEval 2007": None,
}


@pytest.mark.parametrize("name, expected", NAMES.items())
def test_what_a_name_says(name, expected):
    named = from_name(name)
    assert (named[0] if named else None) == expected, named


def test_a_short_order_does_not_outvote_a_name_a_long_one_does_and_is_listed():
    short = from_order([361, 299, 266, 198])  # FLOPS stored by accuracy: 4 values
    assert short == HIGHER and short.short
    decision = decide("FLOPS", order=short)
    assert (decision.direction, decision.source) == (LOWER, "name")
    assert decision.against == ("order says higher",) and not decision.against_name
    long = from_order([0.29, 0.16, 0.14, 0.13, 0.11])  # the archive's Hamming Loss: 5 values
    decision = decide("Hamming Loss", order=long)
    assert (decision.direction, decision.source) == (HIGHER, "order")
    assert decision.against_name and decision.named == LOWER and decision.for_review
    assert decision.against == ("name says lower",)


def test_a_plain_score_is_never_outvoted_by_order():
    decision = decide("Accuracy", order=from_order([1, 2, 3, 4, 5, 6, 7, 8]))
    assert (decision.direction, decision.source) == (HIGHER, "name") and decision.conflict


def test_a_date_ordered_table_says_nothing():
    assert from_order([1, 2, 3, 4, 5, 6], ["2016", "2017", "2018", "2019", "2020", "2021"]) is None


def test_bold_is_weak_evidence():
    bold = from_bold([5.0, 6.0, 9.0], [False, False, True])  # bold on the largest
    assert bold == HIGHER
    decision = decide("Params", bold=bold)  # a parameter count is not better large
    assert (decision.direction, decision.source) == (LOWER, "name")
    assert decision.against == ("bold says higher",)
    decision = decide("Outliers, %", bold=from_bold([5.0, 6.0, 9.0], [True, False, False]))
    assert (decision.direction, decision.source) == (LOWER, "bold")  # agreeing: the page's say
    decision = decide("Score", bold=bold)  # where the name says nothing, bold decides
    assert (decision.direction, decision.source) == (HIGHER, "bold")


def test_prose_outvotes_a_name_and_is_listed_against_it():
    decision = decide("Params", prose=HIGHER)
    assert (decision.direction, decision.source) == (HIGHER, "prose") and decision.against_name


def test_one_row_boards_take_the_name_then_the_vote_then_the_default():
    assert decide("KL").source == "name"
    decision = decide("Modelness", vote=(1, 3))
    assert (decision.direction, decision.source) == (LOWER, "vote")
    decision = decide("Modelness")
    assert (decision.direction, decision.source) == (HIGHER, "default")
    assert decision.by_default and decision.for_review and not decision.against_name


def test_an_explicit_direction_settles_it_and_is_listed_when_against_the_name():
    decision = decide("Hamming Loss", explicit=(HIGHER, "--higher-is-better"))
    assert decision.source == "explicit" and decision.against_name
    decision = decide("Hamming Loss", explicit=(LOWER, "the reviewed list"))
    assert not decision.against_name and not decision.for_review


def test_a_decision_direction_is_a_plain_string():
    decision = decide("Score", order=from_order([3, 2, 1]))
    assert type(decision.direction) is str and decision.direction == HIGHER
