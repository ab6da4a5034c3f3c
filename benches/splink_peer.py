#!/usr/bin/env python3
"""Peer-comparison benchmark: run Splink (DuckDB backend) on the CSV that `mpi dedup` reads.

    python benches/splink_peer.py INPUT.csv --out clusters.csv [--threshold 0.95]
    python benches/splink_peer.py /work/shared/data/febrl/dataset3.csv --febrl \
        --out febrl3_splink.csv --febrl-truth

Input: the canonical mpi CSV

    record_id,source,source_id,given_name,middle_name,family_name,suffix,sex,
    birth_date,ssn,phone,email,address_line,city,state,postal_code

(all strings, empty = missing), or with --febrl a FEBRL file
(`rec_id, given_name, surname, street_number, address_1, ...`), which is mapped
onto the canonical columns first.

Output: `record_id,cluster_id` for every input record, written to --out, and one
JSON line on stdout with versions, phase timings, peak memory and pair counts
(plus pairwise precision/recall/F1 when --truth or --febrl-truth is given).
Splink's own log goes to stderr.

Everything Splink does happens inside DuckDB, which runs in this process, so the
peak RSS of this process is the peak memory of the whole run. DuckDB uses its
default thread count (all cores) and its default memory limit, and may spill to a
private temporary directory that is removed at the end.

The model follows Splink's documentation; each choice below names the page it
follows. Pages referred to (Splink docs site, "Examples" and "Topic guides"):

  [febrl3]  Examples > DuckDB > "Deduplicating the febrl3 dataset"
            (docs/demos/examples/duckdb/febrl3)
  [febrl4]  Examples > DuckDB > "Linking the febrl4 datasets"
            (docs/demos/examples/duckdb/febrl4)
  [50k]     Examples > DuckDB > "Linking a dataset of real historical persons"
            (docs/demos/examples/duckdb/deduplicate_50k_synthetic)
  [quick]   README / "Getting started" quickstart (fake_1000, EmailComparison)
  [cl]      API docs > Comparison Library (NameComparison, DateOfBirthComparison,
            EmailComparison, DamerauLevenshteinAtThresholds, ExactMatch ...)
  [custom]  Topic guides > Comparisons, on customising comparisons
            (CustomComparison built from comparison_level_library levels)
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter

CANONICAL_COLUMNS = [
    "record_id",
    "source",
    "source_id",
    "given_name",
    "middle_name",
    "family_name",
    "suffix",
    "sex",
    "birth_date",
    "ssn",
    "phone",
    "email",
    "address_line",
    "city",
    "state",
    "postal_code",
]

# Default clustering threshold. The deduplication examples [50k] and the README
# quickstart [quick] cluster at 0.95; febrl4 [febrl4] uses 0.99. We use 0.95.
DEFAULT_THRESHOLD = 0.95


# --------------------------------------------------------------------------- #
# Load + light cleaning (DuckDB SQL). Counted in the timing.
# --------------------------------------------------------------------------- #


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _blank_to_null(expr: str) -> str:
    return f"nullif(trim({expr}), '')"


def _text(expr: str) -> str:
    """lower-case, collapse internal whitespace, strip; '' -> NULL."""
    return f"nullif(trim(regexp_replace(lower({expr}), '\\s+', ' ', 'g')), '')"


def _digits(expr: str) -> str:
    return f"regexp_replace(coalesce({expr}, ''), '[^0-9]', '', 'g')"


def raw_select_sql(path: str, febrl: bool) -> str:
    """A SELECT giving the canonical columns, all VARCHAR, straight from the file."""
    src = (
        f"read_csv({_sql_str(path)}, header = true, all_varchar = true, "
        f"delim = ',', quote = '\"', escape = '\"')"
    )
    if not febrl:
        cols = ", ".join(f'"{c}"' for c in CANONICAL_COLUMNS)
        return f"select {cols} from {src}"
    # FEBRL: `rec_id, given_name, surname, street_number, address_1, address_2,
    # suburb, postcode, state, date_of_birth, soc_sec_id` (a space after every
    # comma; DuckDB trims the header names, we trim the values).
    return f"""
        select
            trim(rec_id)                                   as record_id,
            'febrl'                                        as source,
            trim(rec_id)                                   as source_id,
            given_name                                     as given_name,
            null::varchar                                  as middle_name,
            surname                                        as family_name,
            null::varchar                                  as suffix,
            null::varchar                                  as sex,
            date_of_birth                                  as birth_date,
            soc_sec_id                                     as ssn,
            null::varchar                                  as phone,
            null::varchar                                  as email,
            concat_ws(' ', {_blank_to_null("street_number")},
                           {_blank_to_null("address_1")})  as address_line,
            suburb                                         as city,
            state                                          as state,
            postcode                                       as postal_code
        from {src}
    """


def clean_sql(raw_relation: str) -> str:
    """The light pre-cleaning a Splink user would do before building a model:
    lower-case + strip text, dates to ISO, digits only for SSN/phone/ZIP."""
    bd = "trim(birth_date)"
    ssn_d = _digits("ssn")
    phone_d = _digits("phone")
    return f"""
    with r as (select * from {raw_relation}),
    d as (
        select
            *,
            {ssn_d}   as ssn_digits,
            case
                when length({phone_d}) = 11 and left({phone_d}, 1) = '1'
                    then substr({phone_d}, 2)
                when length({phone_d}) = 10 then {phone_d}
            end       as phone10,
            regexp_matches(lower(coalesce(ssn, '')), '[x*#]') as ssn_masked
        from r
    )
    select
        trim(record_id)                                    as record_id,
        {_text("source")}                                  as source,
        {_text("given_name")}                              as given_name,
        {_text("middle_name")}                             as middle_name,
        {_text("family_name")}                             as family_name,
        nullif(regexp_replace(lower(coalesce(suffix, '')), '[^a-z0-9]', '', 'g'), '')
                                                           as suffix,
        case
            when lower(trim(sex)) in ('m', 'male')   then 'm'
            when lower(trim(sex)) in ('f', 'female') then 'f'
        end                                                as sex,
        -- Mixed date formats -> ISO YYYY-MM-DD; unparseable -> NULL.
        strftime(
            coalesce(
                try_strptime({bd}, '%Y-%m-%d'),
                try_strptime({bd}, '%m/%d/%Y'),
                try_strptime({bd}, '%Y%m%d')
            )::date,
            '%Y-%m-%d'
        )                                                  as birth_date,
        -- SSN: digits only. A masked value (XXX-XX-1234) keeps only its last 4
        -- digits in ssn_last4; all-same-digit and (for 9-digit US numbers)
        -- never-issued 000/666/9xx area numbers are treated as missing.
        case
            when ssn_masked or length(ssn_digits) <= 4 then null
            when replace(ssn_digits, left(ssn_digits, 1), '') = '' then null
            when length(ssn_digits) = 9
                 and (left(ssn_digits, 3) in ('000', '666')
                      or left(ssn_digits, 1) = '9'
                      or substr(ssn_digits, 4, 2) = '00'
                      or right(ssn_digits, 4) = '0000') then null
            else ssn_digits
        end                                                as ssn,
        case
            when length(ssn_digits) < 4 then null
            when replace(ssn_digits, left(ssn_digits, 1), '') = '' then null
            when right(ssn_digits, 4) = '0000' then null
            else right(ssn_digits, 4)
        end                                                as ssn_last4,
        -- Phone: digits only, drop a leading US country code, keep 10 digits;
        -- all-one-digit placeholders are missing.
        case
            when replace(phone10, left(phone10, 1), '') = '' then null
            else phone10
        end                                                as phone,
        case when strpos(lower(email), '@') > 1 then {_text("email")} end
                                                           as email,
        {_text("regexp_replace(address_line, '[.,#]', ' ', 'g')")}
                                                           as address_line,
        {_text("city")}                                    as city,
        {_text("state")}                                   as state,
        nullif(left({_digits("postal_code")}, 5), '')      as postal_code
    from d
    """


def run_sql(con, sql: str, params=None) -> list:
    """Execute and fetch everything (DuckDB 2 refuses new work on a connection
    while a previous execute() result is still open)."""
    return con.execute(sql, params or []).fetchall()


def load_and_clean(con, path: str, febrl: bool) -> None:
    run_sql(con, f"create or replace view raw_input as {raw_select_sql(path, febrl)}")
    run_sql(con, f"create or replace table input_clean as {clean_sql('raw_input')}")
    run_sql(con, "drop view raw_input")


def non_null_counts(con) -> dict[str, int]:
    cols = [
        "given_name",
        "middle_name",
        "family_name",
        "suffix",
        "sex",
        "birth_date",
        "ssn",
        "ssn_last4",
        "phone",
        "email",
        "address_line",
        "city",
        "state",
        "postal_code",
    ]
    row = run_sql(
        con,
        "select count(*), "
        + ", ".join(f"count({c})" for c in cols)
        + ", count(ssn_last4) filter (where ssn is null) as ssn_masked"
        + " from input_clean",
    )[0]
    out = {"__rows__": row[0]}
    out.update(dict(zip(cols + ["ssn_masked"], row[1:])))
    return out


# --------------------------------------------------------------------------- #
# Splink model
# --------------------------------------------------------------------------- #


def build_settings(present: set[str]):
    """Comparisons and prediction blocking rules, limited to the columns that
    actually hold data (a column that is empty in every record carries no
    information, and Splink cannot estimate its parameters)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import ColumnExpression, SettingsCreator, block_on

    comparisons = []

    # Names: NameComparison (exact match with term-frequency adjustment, then
    # Jaro-Winkler 0.92 / 0.88 / 0.7) as in [febrl3] and [febrl4].
    if "given_name" in present:
        comparisons.append(cl.NameComparison("given_name"))
    if "family_name" in present:
        comparisons.append(cl.NameComparison("family_name"))

    # Middle name: no example covers it; a small custom comparison [custom] that
    # gives partial credit when only the initials agree ("j" vs "james").
    if "middle_name" in present:
        comparisons.append(
            cl.CustomComparison(
                output_column_name="middle_name",
                comparison_levels=[
                    cll.NullLevel("middle_name"),
                    cll.ExactMatchLevel("middle_name"),
                    cll.ExactMatchLevel(
                        ColumnExpression("middle_name").substr(1, 1)
                    ).configure(label_for_charts="Initial matches"),
                    cll.ElseLevel(),
                ],
            )
        )

    # Suffix (Jr/Sr/III) and sex: ExactMatch [cl].
    if "suffix" in present:
        comparisons.append(cl.ExactMatch("suffix"))
    if "sex" in present:
        comparisons.append(cl.ExactMatch("sex"))

    # Date of birth: DateOfBirthComparison on the ISO string [febrl3]/[febrl4]
    # (exact, Levenshtein <= 1, within 1 month, 1 year, 10 years).
    if "birth_date" in present:
        comparisons.append(
            cl.DateOfBirthComparison(
                "birth_date",
                input_is_string=True,
                datetime_format="%Y-%m-%d",
                invalid_dates_as_null=True,
            )
        )

    # SSN: [febrl4] uses DamerauLevenshteinAtThresholds(soc_sec_id, [1, 2]).
    # We add one level for "only the last 4 digits agree" so that a masked
    # XXX-XX-1234 can still count as evidence [custom].
    # (Only when the file has masked SSNs; otherwise this is exactly the
    # [febrl4] comparison.)
    if "ssn_masked" in present:
        levels = [cll.NullLevel("ssn_last4")]
        if "ssn" in present:
            levels += [
                cll.ExactMatchLevel("ssn"),
                cll.DamerauLevenshteinLevel("ssn", 1),
                cll.DamerauLevenshteinLevel("ssn", 2),
            ]
        levels += [
            cll.ExactMatchLevel("ssn_last4").configure(
                label_for_charts="Last 4 digits match"
            ),
            cll.ElseLevel(),
        ]
        comparisons.append(
            cl.CustomComparison(output_column_name="ssn", comparison_levels=levels)
        )
    elif "ssn" in present:
        comparisons.append(cl.DamerauLevenshteinAtThresholds("ssn", [1, 2]))

    # Phone: treated like the other digit identifier (Damerau-Levenshtein 1, 2)
    # [febrl4], with term frequencies on the exact level for shared household
    # numbers [cl].
    if "phone" in present:
        comparisons.append(
            cl.DamerauLevenshteinAtThresholds("phone", [1, 2]).configure(
                term_frequency_adjustments=True
            )
        )

    # Email: EmailComparison [quick]/[cl].
    if "email" in present:
        comparisons.append(cl.EmailComparison("email"))

    # Street address: Jaro-Winkler levels with term frequencies on exact match
    # (shared addresses such as care homes) [cl]. City and state are left out:
    # "we don't consider further location columns as they will be strongly
    # correlated with postcode" [febrl4].
    if "address_line" in present:
        comparisons.append(
            cl.JaroWinklerAtThresholds("address_line", [0.9, 0.7]).configure(
                term_frequency_adjustments=True
            )
        )

    # ZIP: ExactMatch with term frequencies, as febrl3 does for its postcode
    # [febrl3]. (PostcodeComparison parses UK postcodes, so it does not apply.)
    if "postal_code" in present:
        comparisons.append(
            cl.ExactMatch("postal_code").configure(term_frequency_adjustments=True)
        )

    # Blocking rules for prediction. [febrl3] blocks on single columns, which is
    # fine for 5,000 records but not for hundreds of thousands; we use the
    # two-column style of the 50k example [50k] (names x dob, postcode x name,
    # postcode prefix x dob, name prefixes x birth year), plus the single strong
    # identifiers (SSN as in [febrl3]/[febrl4], phone, email) and the swapped
    # first/last name rule of [febrl4].
    def have(*cols):
        return all(c in present for c in cols)

    br = []
    if have("ssn"):
        br.append(block_on("ssn"))
    if have("phone"):
        br.append(block_on("phone"))
    if have("email"):
        br.append(block_on("email"))
    if have("given_name", "family_name"):
        br.append(block_on("substr(given_name,1,3)", "substr(family_name,1,4)"))
        br.append("l.given_name = r.family_name and l.family_name = r.given_name")
    if have("family_name", "birth_date"):
        br.append(block_on("family_name", "birth_date"))
    if have("given_name", "birth_date"):
        br.append(block_on("given_name", "birth_date"))
    if have("postal_code", "given_name"):
        br.append(block_on("postal_code", "given_name"))
    if have("postal_code", "family_name"):
        br.append(block_on("postal_code", "family_name"))
    if have("postal_code", "birth_date"):
        br.append(block_on("substr(postal_code,1,3)", "birth_date"))
    if have("address_line", "birth_date"):
        br.append(block_on("address_line", "birth_date"))
    if have("given_name", "family_name", "birth_date"):
        br.append(
            block_on(
                "substr(given_name,1,2)",
                "substr(family_name,1,2)",
                "substr(birth_date,1,4)",
            )
        )

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=br,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    return settings, comparisons, br


# EM sessions: [50k] and the README quickstart [quick] block one session on
# first name + surname and one on date of birth (both without term
# frequencies); [febrl3] uses date of birth + postcode instead.
DEFAULT_EM_BLOCKS = "given_name,family_name;birth_date"


def parse_em_blocks(spec: str) -> list[list[str]]:
    return [
        [c.strip() for c in session.split(",") if c.strip()]
        for session in spec.split(";")
        if session.strip()
    ]


def train(linker, present: set[str], max_pairs: float, seed: int, em_blocks) -> dict:
    """Returns {step: seconds} for the training steps run, in order."""
    from splink import block_on

    done = {}
    t0 = time.perf_counter()

    # probability_two_random_records_match from deterministic rules; rules as in
    # [febrl3] (SSN; name + dob; swapped names + dob), recall 0.8 as in [febrl4]
    # ([febrl3] says 0.9, [50k] 0.6; our data has fewer usable SSNs than FEBRL).
    det = []
    if "ssn" in present:
        det.append(block_on("ssn"))
    if {"given_name", "family_name", "birth_date"} <= present:
        det.append(block_on("given_name", "family_name", "birth_date"))
        det.append(
            "l.given_name = r.family_name and l.family_name = r.given_name "
            "and l.birth_date = r.birth_date"
        )
    if det:
        linker.training.estimate_probability_two_random_records_match(det, recall=0.8)
        done["probability_two_random_records_match(recall=0.8)"] = (
            time.perf_counter() - t0
        )

    # u by random sampling; [50k] uses max_pairs=1e7 and [febrl4] notes "We
    # generally recommend setting max pairs higher (e.g. 1e7 or more)". Seeded
    # for reproducibility as in [febrl3] (seed=2).
    t0 = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    done[f"u_random_sampling(max_pairs={max_pairs:g}, seed={seed})"] = (
        time.perf_counter() - t0
    )

    # m by EM, one session per blocking rule (see DEFAULT_EM_BLOCKS), without
    # term frequencies as in [50k]/[febrl4]. Sessions whose columns are empty
    # in this file are skipped.
    for cols in em_blocks:
        if not set(cols) <= present:
            continue
        t0 = time.perf_counter()
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*cols), estimate_without_term_frequencies=True
        )
        done[f"em({', '.join(cols)})"] = time.perf_counter() - t0
    return done


# --------------------------------------------------------------------------- #
# Accuracy (not timed)
# --------------------------------------------------------------------------- #


def _c2(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_metrics(pred: dict[str, str], truth: dict[str, str]) -> dict:
    """Pairwise precision / recall / F1 from contingency counts.

    predicted pairs = all pairs inside a predicted cluster, true pairs = all pairs
    inside a true entity; true positives = pairs inside a (cluster, entity) cell.
    Each is a sum of C(n, 2) over cell sizes, so no pair is ever materialised."""
    common = pred.keys() & truth.keys()
    pred_sizes = Counter(pred[r] for r in common)
    true_sizes = Counter(truth[r] for r in common)
    cell_sizes = Counter((pred[r], truth[r]) for r in common)
    tp = sum(_c2(n) for n in cell_sizes.values())
    pp = sum(_c2(n) for n in pred_sizes.values())
    tpairs = sum(_c2(n) for n in true_sizes.values())
    precision = tp / pp if pp else 1.0
    recall = tp / tpairs if tpairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "records_scored": len(common),
        "records_missing_from_truth": len(pred.keys() - truth.keys()),
        "records_missing_from_output": len(truth.keys() - pred.keys()),
        "true_pairs": tpairs,
        "predicted_cluster_pairs": pp,
        "true_positive_pairs": tp,
        "precision": round(precision, 6),
        "recall": round(recall, 6),
        "f1": round(f1, 6),
        "predicted_clusters": len(pred_sizes),
        "true_entities": len(true_sizes),
    }


def read_two_columns(path: str, key: str, value: str) -> dict[str, str]:
    with open(path, newline="") as f:
        reader = csv.DictReader(f, skipinitialspace=True)
        return {row[key].strip(): row[value].strip() for row in reader}


def febrl_truth(path: str) -> dict[str, str]:
    """rec-123-org and rec-123-dup-N are the same entity, 123."""
    out = {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f, skipinitialspace=True)
        for row in reader:
            rid = row["rec_id"].strip()
            parts = rid.split("-")
            out[rid] = parts[1] if len(parts) >= 3 else rid
    return out


# --------------------------------------------------------------------------- #


def peak_rss_mib() -> tuple[float, float]:
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / (1024 * 1024)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * scale
    return round(own, 1), round(children, 1)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(
        description="Run Splink (DuckDB) on an mpi CSV and report time, memory, accuracy."
    )
    p.add_argument("input", help="canonical mpi CSV (or FEBRL CSV with --febrl)")
    p.add_argument("--out", required=True, help="write record_id,cluster_id here")
    p.add_argument("--febrl", action="store_true", help="input is a FEBRL file")
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"match probability for predict() and clustering (default {DEFAULT_THRESHOLD})",
    )
    p.add_argument(
        "--max-pairs",
        type=float,
        default=1e7,
        help="max_pairs for estimate_u_using_random_sampling (default 1e7, as the 50k example)",
    )
    p.add_argument("--seed", type=int, default=2, help="u-sampling seed (default 2)")
    p.add_argument("--truth", help="CSV record_id,entity_id: report pairwise P/R/F1")
    p.add_argument(
        "--febrl-truth",
        action="store_true",
        help="derive entity ids from FEBRL rec_id (rec-123-org / rec-123-dup-N -> 123)",
    )
    p.add_argument(
        "--em-blocks",
        default=DEFAULT_EM_BLOCKS,
        help="EM training sessions: ';' between sessions, ',' between the columns "
        f"blocked on in one session (default {DEFAULT_EM_BLOCKS!r}, as the docs' "
        "50k example and quickstart)",
    )
    p.add_argument(
        "--save-model", help="also write the trained Splink model (JSON) here"
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", help="Splink INFO log on stderr"
    )
    args = p.parse_args(argv)
    if args.febrl_truth and not args.febrl:
        p.error("--febrl-truth needs --febrl (it reads FEBRL rec_id values)")

    t_start = time.perf_counter()

    import logging

    import duckdb
    import splink
    from splink import DuckDBAPI, Linker

    tmpdir = tempfile.mkdtemp(prefix="splink_peer_")
    con = duckdb.connect(":memory:")
    # Let DuckDB spill to a private temp dir; threads and memory_limit stay at
    # DuckDB's defaults (all cores, 80% of RAM).
    run_sql(con, f"set temp_directory = {_sql_str(tmpdir)}")
    threads, memory_limit = run_sql(
        con, "select current_setting('threads'), current_setting('memory_limit')"
    )[0]

    phases = {}
    try:
        # 1. Load + clean
        t0 = time.perf_counter()
        load_and_clean(con, args.input, args.febrl)
        counts = non_null_counts(con)
        records = counts.pop("__rows__")
        dup_ids = run_sql(
            con, "select count(*) - count(distinct record_id) from input_clean"
        )[0][0]
        if dup_ids:
            raise SystemExit(f"record_id is not unique ({dup_ids} duplicates)")
        present = {c for c, n in counts.items() if n > 0}
        phases["load_clean_s"] = time.perf_counter() - t0

        # 2. Training
        t0 = time.perf_counter()
        settings, comparisons, blocking_rules = build_settings(present)
        db_api = DuckDBAPI(connection=con)
        sdf = db_api.register("input_clean", dataset_display_name="input_clean")
        linker = Linker(
            sdf, settings, log_level=logging.INFO if args.verbose else logging.WARNING
        )
        training_steps = train(
            linker, present, args.max_pairs, args.seed, parse_em_blocks(args.em_blocks)
        )
        phases["training_s"] = time.perf_counter() - t0
        if args.save_model:  # not part of the timed run
            t_save = time.perf_counter()
            linker.misc.save_model_to_json(args.save_model, overwrite=True)
            t_start += time.perf_counter() - t_save

        # 3. Predict (only pairs at or above the threshold are kept; the
        #    clustering step would discard the rest anyway)
        t0 = time.perf_counter()
        df_predict = linker.inference.predict(
            threshold_match_probability=args.threshold
        )
        predicted_pairs = run_sql(
            con, f"select count(*) from {df_predict.physical_name}"
        )[0][0]
        phases["predict_s"] = time.perf_counter() - t0

        # 4. Cluster (connected components at the threshold)
        t0 = time.perf_counter()
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            df_predict, threshold_match_probability=args.threshold
        )
        phases["cluster_s"] = time.perf_counter() - t0

        # 5. Write record_id,cluster_id
        t0 = time.perf_counter()
        run_sql(
            con,
            f"copy (select record_id, cluster_id from {clusters.physical_name}) "
            f"to {_sql_str(args.out)} (header, delimiter ',')",
        )
        n_out, n_clusters = run_sql(
            con,
            f"select count(*), count(distinct cluster_id) from {clusters.physical_name}",
        )[0]
        phases["write_s"] = time.perf_counter() - t0
        phases["total_s"] = time.perf_counter() - t_start
    finally:
        con.close()
        shutil.rmtree(tmpdir, ignore_errors=True)

    own_mib, children_mib = peak_rss_mib()
    result = {
        "tool": "splink",
        "splink_version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "python_version": platform.python_version(),
        "input": os.path.abspath(args.input),
        "febrl": args.febrl,
        "records": records,
        "records_written": n_out,
        "clusters": n_clusters,
        "threshold_match_probability": args.threshold,
        "predicted_pairs": predicted_pairs,
        "seconds": {k: round(v, 3) for k, v in phases.items()},
        "peak_rss_mib": own_mib,
        "peak_rss_children_mib": children_mib,
        "peak_rss_note": "ru_maxrss of this process; DuckDB runs in-process, so it is included",
        "duckdb_threads": threads,
        "duckdb_memory_limit": memory_limit,
        "cpu_count": os.cpu_count(),
        "columns_with_data": sorted(present),
        "comparisons": [c.create_output_column_name() for c in comparisons],
        "blocking_rules": len(blocking_rules),
        "training_steps_s": {k: round(v, 3) for k, v in training_steps.items()},
    }

    if args.truth or args.febrl_truth:
        pred = read_two_columns(args.out, "record_id", "cluster_id")
        if args.truth:
            truth = read_two_columns(args.truth, "record_id", "entity_id")
        else:
            truth = febrl_truth(args.input)
        result["accuracy"] = pairwise_metrics(pred, truth)

    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
