#!/usr/bin/env python3
"""Writes report.md and PNG plots (gnuplot) from the JSON files benchmarks/run_report.sh collected.

    python3 benchmarks/report.py benchmarks/results/2026-03-02

Reads machine.json, run.json, match-*.json, batch-*.json, durability-*.json, server.json, load.json and
logs/cpu-time.tsv from the folder (each optional), and notes.md when present (a hand-written analysis, included as is). Writes
report.md, latency-vs-scale.png, qps-vs-concurrency.png and the plots' data under plot-data/. Standard
library only.

    python3 benchmarks/report.py --self-test     checks the CPU-time arithmetic on made-up counters
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

# Targets of the performance issue, on a 2-core machine.
TARGET_MATCH_OF_HEALTH = 0.5   # match QPS / health QPS at the same concurrency, served cohort 100k / 10k
TARGET_IMPORT_OF_RAW = 0.5     # import records/s / raw RocksDB synced batch records/s, 1M candidates
TARGET_STARTUP_S = 5.0         # start-up with 1M stored candidates
TARGET_GRPC_IMPORT_PER_S = 100000  # `passerelle import candidates` over gRPC, records/s
TARGET_BYTES_PER_CANDIDATE = 500
# Round two (issue 15).
TARGET_MATCH_OF_POSTGRES = 300  # engine vs PostgreSQL on the query mix: MatchCandidates at 1M, MatchOpenings at 100k
TARGET_KERNEL_NS_PER_PAIR = 4.0  # full kernel, both directions, every point
TARGET_KERNEL_OF_SCALAR = 20.0   # full kernel against the scalar peer, per pair, every point
TARGET_BATCH_1M_S = 60.0         # re-rank of 1M candidates x 100k openings


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt_ms(seconds):
    if seconds is None:
        return "-"
    ms = seconds * 1e3
    return f"{ms:.3f}" if ms < 10 else f"{ms:.1f}" if ms < 1000 else f"{ms:.0f}"


def fmt_n(x):
    if x is None:
        return "-"
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    if x >= 1e4:
        return f"{x / 1e3:.0f}k"
    return f"{x:,.0f}"


def fmt_bytes(b):
    return f"{b / 1e6:.1f} MB" if b >= 1e6 else f"{b / 1e3:.1f} kB"


def met(ok):
    return "**met**" if ok else "**missed**"


def point_key(path):
    m = re.search(r"match-(\d+)x(\d+)\.json$", path)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


# Steal above this share of a step's time is called out: the figures of that step are slowed unevenly.
NOTABLE_STEAL = 0.05


def cpu_shares(before, after):
    """Busy and steal shares of the time between two "cpu" lines of /proc/stat (jiffies of all cores).

    Fields: user nice system idle iowait irq softirq steal (guest time is already inside user). Returns
    (busy, steal), each a fraction of the cores' time, or None when no time passed.
    """
    d = [int(a) - int(b) for a, b in zip(after[:8], before[:8])]
    total = sum(d)
    if total <= 0:
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = d
    return (user + nice + system + irq + softirq) / total, steal / total


def cpu_time_by_step(path):
    """[(step, seconds, busy, steal)] from run_report.sh's logs/cpu-time.tsv, the whole run last as "all"."""
    marks = []
    try:
        with open(path) as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if len(parts) != 3 or not parts[2].startswith("cpu "):
                    continue
                marks.append((float(parts[0]), parts[1], parts[2].split()[1:]))
                if parts[1] == "end":
                    break
    except (OSError, ValueError):
        return []
    rows = []
    for (t0, name, c0), (t1, _, c1) in zip(marks, marks[1:]):
        shares = cpu_shares(c0, c1)
        if shares:
            rows.append((name, t1 - t0, shares[0], shares[1]))
    if len(marks) >= 2:
        shares = cpu_shares(marks[0][2], marks[-1][2])
        if shares:
            rows.append(("all", marks[-1][0] - marks[0][0], shares[0], shares[1]))
    return rows


def self_test():
    # Two cores over 10 s at 100 jiffies/s: 2000 jiffies. Busy 1200 (user 1000, system 150, softirq 50),
    # idle 500, steal 300: 60% busy, 15% stolen.
    before = "100 0 10 5000 0 0 0 20 0 0".split()
    after = "1100 0 160 5500 0 0 50 320 0 0".split()
    busy, steal = cpu_shares(before, after)
    assert abs(busy - 0.60) < 1e-9 and abs(steal - 0.15) < 1e-9, (busy, steal)
    assert cpu_shares(before, before) is None
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "cpu-time.tsv")
        with open(path, "w") as f:
            f.write("1000.0\tBuild\tcpu  " + " ".join(before) + "\n")
            f.write("1010.0\tMatch\tcpu  " + " ".join(after) + "\n")
            f.write("1020.0\tend\tcpu  " + " ".join(str(int(x) + (2000 if i == 3 else 0))
                                                  for i, x in enumerate(after)) + "\n")
            f.write("1030.0\tReport\tcpu  0 0 0 0 0 0 0 0 0 0\n")  # after "end": not counted
        rows = cpu_time_by_step(path)
    assert [r[0] for r in rows] == ["Build", "Match", "all"], rows
    assert rows[0][1] == 10.0 and abs(rows[0][3] - 0.15) < 1e-9, rows[0]
    assert rows[1][2] == 0.0 and rows[1][3] == 0.0, rows[1]  # an idle step
    assert rows[2][1] == 20.0 and abs(rows[2][3] - 300 / 4000) < 1e-9, rows[2]
    print("report.py self-test: OK")


def main(folder):
    machine = load(os.path.join(folder, "machine.json")) or {}
    run = load(os.path.join(folder, "run.json")) or {}
    server = load(os.path.join(folder, "server.json"))
    load_runs = load(os.path.join(folder, "load.json"))
    no_explain = load(os.path.join(folder, "load-no-explain.json"))
    matches = [(point_key(p), load(p)) for p in sorted(glob.glob(os.path.join(folder, "match-*.json")), key=point_key)]
    matches = [(k, m) for k, m in matches if m]
    batches = [load(p) for p in sorted(glob.glob(os.path.join(folder, "batch-*.json")))]
    batches = [b for b in batches if b]
    micros = [load(p) for p in sorted(glob.glob(os.path.join(folder, "micro-*.json")))]
    micros = sorted([m for m in micros if m], key=lambda m: (m["candidates"], m["openings"]))
    durabilities = [load(p) for p in sorted(glob.glob(os.path.join(folder, "durability-*.json")))]
    durabilities = sorted([d for d in durabilities if d], key=lambda d: d["candidates"])

    out = []
    w = out.append
    w(f"# Passerelle benchmark report, {machine.get('date', '?')} (scale: {machine.get('scale', '?')})")
    w("")
    w("Every figure below was measured in one run of `benchmarks/run_report.sh "
      f"{machine.get('scale', 'medium')}` on the machine described here; ratios compare sides measured in "
      "the same run. The JSON files beside this report hold every number; `logs/` holds each tool's output.")
    w("")
    w("## Machine")
    w("")
    w("| | |")
    w("|---|---|")
    w(f"| CPU | {machine.get('cpu_model', '?')} |")
    w(f"| cores (`nproc`) | {machine.get('nproc', '?')} |")
    if machine.get("memory_bytes"):
        w(f"| memory | {machine['memory_bytes'] / 2**30:.1f} GiB |")
    w(f"| load average at start (1, 5, 15 min) | {machine.get('load_average_at_start', '?')} |")
    if run.get("load_average_at_end"):
        w(f"| load average at end | {run['load_average_at_end']} |")
    if machine.get("vector_extensions"):
        w(f"| vector extensions | {machine['vector_extensions']} |")
    if run.get("kernel_path"):
        w(f"| scoring kernel path that ran (run-time dispatch, portable build) | {run['kernel_path']} |")
    w(f"| kernel | {machine.get('kernel', '?')} |")
    w(f"| commit | {machine.get('commit', '?')}{' (with local changes)' if machine.get('tree_modified') else ''} |")
    w(f"| started (UTC) | {machine.get('started', '?')} |")
    cpu_steps = cpu_time_by_step(os.path.join(folder, "logs", "cpu-time.tsv"))
    whole = next((r for r in cpu_steps if r[0] == "all"), None)
    if whole:
        w(f"| CPU time taken by the hypervisor for other guests (steal), whole run | {whole[3] * 100:.0f}% |")
    w("")
    w("The machine is shared: other processes ran beside the benchmarks (see the load average), and the "
      "load generator runs on the same two cores as the server it loads.")
    w("")
    stolen = [r for r in cpu_steps if r[0] != "all" and r[3] >= NOTABLE_STEAL]
    if stolen:
        w(f"**On this VM the hypervisor took {whole[3] * 100:.0f}% of the cores' time for other guests** (steal, "
          "from /proc/stat at each step; per step below). Stolen time stretches wall times unevenly, within a "
          "step as well as between steps, so the absolute figures of those steps are slower than this machine "
          "when quiet, and a ratio between two sides timed one after the other moves with it.")
        w("")
        w("| step | minutes | cores busy | stolen |")
        w("|---|---:|---:|---:|")
        for name, seconds, busy, steal in cpu_steps:
            if name == "all":
                name = "**whole run**"
            w(f"| {name} | {seconds / 60:.1f} | {busy * 100:.0f}% | {steal * 100:.0f}% |")
        w("")

    # ---- targets
    targets = []
    if load_runs:
        n = load_runs.get("candidates")
        at = f"served cohort {fmt_n(n)} candidates / {fmt_n(load_runs.get('openings'))} openings"
        for rpc in ("match_openings", "match_candidates"):
            rows = [r for r in load_runs["runs"] if r["rpc"] == rpc]
            if not rows:
                continue
            fr = ", ".join(f"{r['fraction_of_health'] * 100:.0f}% at {r['concurrency']}" for r in rows)
            ok = all(r["fraction_of_health"] >= TARGET_MATCH_OF_HEALTH for r in rows)
            plain = [r for r in (no_explain or {}).get("runs", []) if r["rpc"] == rpc]
            if plain:
                fr += "; without explanations " + ", ".join(
                    f"{r['fraction_of_health'] * 100:.0f}%" for r in plain)
            note = "" if n == 100000 else f" (the target is stated at 100k; this run served {fmt_n(n)})"
            targets.append((f"gRPC {rpc} QPS >= 50% of the health rpc's at the same concurrency", f"{fr} ({at})",
                            met(ok) + note))
    for d in durabilities:
        n = d["candidates"]
        note = "" if n >= 1000000 else f" (stated at 1M; measured at {fmt_n(n)})"
        targets.append(("import with synced writes >= 50% of raw RocksDB synced batches",
                        f"{d['import_vs_raw'] * 100:.0f}% ({d['import_records_per_s']:,.0f} vs "
                        f"{d['raw_rocksdb_records_per_s']:,.0f} records/s, {fmt_n(n)} candidates)",
                        met(d["import_vs_raw"] >= TARGET_IMPORT_OF_RAW) + note))
        runs = d.get("startup_runs_s") or []
        runs_note = (f" (median of {len(runs)}: " + " / ".join(f"{r:.2f}" for r in runs) + " s)") if len(runs) > 1 else ""
        targets.append(("start-up with 1M stored candidates < 5 s",
                        f"{d['startup_s']:.2f} s with {fmt_n(d['candidates_loaded'])} stored{runs_note}",
                        met(d["startup_s"] < TARGET_STARTUP_S) + note))
        targets.append(("resident memory < 500 bytes per candidate",
                        f"{d['rss_bytes_per_candidate']:.0f} B",
                        met(d["rss_bytes_per_candidate"] < TARGET_BYTES_PER_CANDIDATE) + note))
    if server and server.get("import_candidates_per_s"):
        # Beside the floor it is paid against: raw RocksDB's synced batches of the same run.
        raw = "".join(f"; raw RocksDB synced batches in this run: {d['raw_rocksdb_records_per_s']:,.0f} records/s"
                      for d in durabilities[-1:])
        targets.append(("`passerelle import candidates` over gRPC >= 100k records/s",
                        f"{server['import_candidates_per_s']:,.0f} records/s ({fmt_n(server['candidates'])} "
                        f"candidates{raw})", met(server["import_candidates_per_s"] >= TARGET_GRPC_IMPORT_PER_S)))
    targets += round_two_targets(matches, micros, batches, server)
    if targets:
        w("## Targets")
        w("")
        w("| target (2-core machine) | reached | |")
        w("|---|---|---|")
        for t in targets:
            w(f"| {t[0]} | {t[1]} | {t[2]} |")
        w("")

    # ---- match latency
    if matches:
        has_pg = any("postgres_s" in q for _, m in matches for q in m.get("queries", []))
        w("## Match latency vs scale (in process, one query, k=10, no sentences)")
        w("")
        w("`passerelle_match_benchmark`: the engine's top-k was checked equal to the scalar peer's"
          + (" and PostgreSQL's" if has_pg else "") + " before timing. Floor: the bytes the query must read "
          "divided by the machine's measured read bandwidth.")
        w("")
        head = "| query | rows | engine ms | scalar ms | engine vs scalar |"
        sep = "|---|---:|---:|---:|---:|"
        if has_pg:
            head += " PostgreSQL ms | engine vs PostgreSQL |"
            sep += "---:|---:|"
        head += " MB read | of the floor |"
        sep += "---:|---:|"
        w(head)
        w(sep)
        for _, m in matches:
            bw = m.get("bandwidth_bytes_per_s", 0)
            for q in m.get("queries", []):
                row = (f"| {q['query']} | {fmt_n(q['rows'])} | {fmt_ms(q['engine_s'])} | {fmt_ms(q['scalar_s'])} | "
                       f"{q['scalar_s'] / q['engine_s']:.1f}x |")
                if has_pg:
                    pg = q.get("postgres_s")
                    vs = f"{pg / q['engine_s']:.0f}x" if pg else "-"
                    row += f" {fmt_ms(pg)} | {vs} |"
                floor = q["bytes"] / bw / q["engine_s"] * 100 if bw else 0
                row += f" {q['bytes'] / 1e6:.1f} | {floor:.0f}% |"
                w(row)
        mixed = [(key, m) for key, m in matches if m.get("mix")]
        if mixed:
            w("")
            w("The same points on a mix of queries (the mean over the mix, against PostgreSQL) and the latency "
              "percentiles over the verified queries, each timed alone for several rounds:")
            w("")
            w("| query | rows | mix of | engine ms | PostgreSQL ms | engine vs PostgreSQL | p50 ms | p99 ms |")
            w("|---|---:|---:|---:|---:|---:|---:|---:|")
            for _, m in mixed:
                for q in m["mix"]:
                    lat = m.get(f"{q['query']}_latency_ms", {})
                    p50 = f"{lat['p50']:.3f}" if "p50" in lat else "-"
                    p99 = f"{lat['p99']:.3f}" if "p99" in lat else "-"
                    w(f"| {q['query']} | {fmt_n(q['rows'])} | {m.get('mix_queries', '-')} | {fmt_ms(q['engine_s'])} | "
                      f"{fmt_ms(q['postgres_s'])} | {q['postgres_s'] / q['engine_s']:.0f}x | {p50} | {p99} |")
        bws = [m.get("bandwidth_bytes_per_s", 0) for _, m in matches]
        w("")
        w(f"Measured read bandwidth: {', '.join(f'{b / 1e9:.1f}' for b in bws)} GB/s (one measurement per point).")
        if not has_pg:
            w("PostgreSQL peer: not in this run (PostgreSQL or the benchmark's `--postgres` flag was missing, or the run failed; see run.json).")
        w("")
        w("![latency vs scale](latency-vs-scale.png)")
        w("")

    # ---- batch
    for b in batches:
        w(f"## Batch re-ranking and assignment ({fmt_n(b['candidates'])} candidates x {fmt_n(b['openings'])} openings)")
        w("")
        w(f"Re-ranking: {b['rerank_s']:.1f} s, {b['engine_pairs_per_s'] / 1e6:.1f}M pairs/s "
          f"(scalar peer: {b['scalar_pairs_per_s'] / 1e6:.2f}M pairs/s, "
          f"{b['engine_pairs_per_s'] / b['scalar_pairs_per_s']:.0f}x).")
        if b.get("pairs_scored") is not None and b.get("pairs_pruned") is not None:
            total = b["pairs_scored"] + b["pairs_pruned"]
            w(f"Pairs scored {b['pairs_scored']:,} and pruned {b['pairs_pruned']:,} "
              f"({b['pairs_scored'] / total * 100 if total else 0:.1f}% scored).")
        if not b.get("assignment"):
            w("Assignment and the exposure step were skipped at this size (the pools exceed the batch "
              "benchmark's `--assign_max_pairs`).")
        w("")
        w("| mechanism | seconds | assigned | total score | vs greedy |")
        w("|---|---:|---:|---:|---:|")
        for a in b.get("assignment", []):
            g = a.get("greedy_total_score") or 0
            w(f"| {a['mechanism']} | {a['seconds']:.2f} | {a['assigned']:,} | {a['total_score']:.1f} | "
              f"{(a['total_score'] / g - 1) * 100:+.1f}% |" if g else f"| {a['mechanism']} | {a['seconds']:.2f} | "
              f"{a['assigned']:,} | {a['total_score']:.1f} | - |")
        w("")

    # ---- micro benchmarks
    for m in micros:
        t = m.get("seconds", {})
        nc, no = m["candidates"], m["openings"]

        def ratio(a, b):
            return f"{t[a] / t[b]:.2f}x" if t.get(a) and t.get(b) else "-"

        w(f"## Micro benchmarks ({fmt_n(nc)} candidates, {fmt_n(no)} openings)")
        w("")
        w("`passerelle_micro_benchmark`: each part of the engine next to a peer in the same run"
          + ("" if m.get("ok") else f" (**a check failed**: see logs/micro-{nc}x{no}.log)") + ".")
        w("")
        w("| part | engine | peer | peer / engine (above 1: the engine side is faster) |")
        w("|---|---:|---:|---:|")
        # The run-time path's kernel, then the same engine cases on the CPU's other vector paths (the portable
        # binary would take them on a CPU without the best one), each against the same scalar peer.
        paths = [("BM_Kernel", "full kernel, {what} (no row selection)")] + [
            (f"BM_KernelPath/{path}", f"same on the {path} path, {{what}}")
            for path in sorted({k.split("/")[1] for k in t if k.startswith("BM_KernelPath/")})]
        for prefix, label in paths:
            for side, rows in (("candidates", nc), ("openings", no)):
                e, p = t.get(f"{prefix}/{side}/engine"), t.get(f"BM_Kernel/{side}/scalar")
                if e and p:
                    what = "one opening x every candidate" if side == "candidates" else "one candidate x every opening"
                    w(f"| {label.format(what=what)} | {e / rows * 1e9:.1f} ns/pair | "
                      f"{p / rows * 1e9:.1f} ns/pair (scalar peer) | {p / e:.1f}x |")
        if t.get("BM_TopK/heap"):
            w(f"| top-{m['k']} of {fmt_n(nc)} scores, TopK | {t['BM_TopK/heap'] * 1e3:.3f} ms | "
              f"{t['BM_TopK/partial_sort'] * 1e3:.3f} ms (std::partial_sort) | {ratio('BM_TopK/partial_sort', 'BM_TopK/heap')} |")
            w(f"| same | | {t['BM_TopK/full_sort'] * 1e3:.3f} ms (std::sort) | {ratio('BM_TopK/full_sort', 'BM_TopK/heap')} |")
        if t.get("BM_Update/alone"):
            w(f"| upsert of 1,000 candidates, under queries vs alone | {t['BM_Update/under_queries'] * 1e3:.2f} ms | "
              f"{t['BM_Update/alone'] * 1e3:.2f} ms alone | {ratio('BM_Update/alone', 'BM_Update/under_queries')} |")
            w(f"| MatchCandidates during updates vs alone | {t['BM_Query/during_updates'] * 1e3:.3f} ms | "
              f"{t['BM_Query/alone'] * 1e3:.3f} ms alone | {ratio('BM_Query/alone', 'BM_Query/during_updates')} |")
        w("")

    # ---- durability
    for d in durabilities:
        n = d["candidates"]
        w(f"## Durability ({fmt_n(n)} candidates, synced batches of {d['batch']})")
        w("")
        w("`passerelle_durability_benchmark`: the same records, keyed and encoded as the store writes them "
          "(32-byte keyed-hash keys, update time and binary record as value, "
          f"{d['bytes'] / 1e6:.0f} MB, {d['bytes'] / n:.0f} B each), written twice into fresh databases on the "
          "same disk.")
        w("")
        w("| | seconds | records/s | vs raw |")
        w("|---|---:|---:|---:|")
        w(f"| raw RocksDB: WriteBatch of {d['batch']} in key order, sync, default options | {d['raw_rocksdb_s']:.2f} | "
          f"{d['raw_rocksdb_records_per_s']:,.0f} | 100% |")
        w(f"| import: decode + Catalog::PutCandidates (resolve, owner check, synced batch, index update) | "
          f"{d['import_s']:.2f} | {d['import_records_per_s']:,.0f} | {d['import_vs_raw'] * 100:.0f}% |")
        w("")
        w("| start-up in a fresh process | |")
        w("|---|---:|")
        w(f"| reference data | {d['startup_reference_data_s']:.3f} s |")
        w(f"| catalog open (RocksDB open, index rebuilt from it) | {d['startup_catalog_open_s']:.3f} s |")
        w(f"| of which the index load | {d['startup_index_load_s']:.3f} s |")
        w(f"| total, {fmt_n(d['candidates_loaded'])} candidates | **{d['startup_s']:.2f} s** |")
        if len(d.get("startup_runs_s") or []) > 1:
            w(f"| each run, in turn (the rows above are the median run's) | "
              + " / ".join(f"{r:.2f}" for r in d["startup_runs_s"]) + " s |")
        w(f"| VmRSS before the open / after | {fmt_bytes(d['rss_before_open_bytes'])} / "
          f"{fmt_bytes(d['rss_after_open_bytes'])} |")
        w(f"| resident bytes per candidate | **{d['rss_bytes_per_candidate']:.0f} B** |")
        if d.get("import_process_rss_after_bytes"):
            per = (d["import_process_rss_after_bytes"] - d["import_process_rss_before_bytes"]) / n
            w(f"| importing process, after the import (memtables included) | {per:.0f} B per candidate |")
        w("")

    # ---- server
    if server:
        w(f"## The server ({fmt_n(server['candidates'])} candidates, {fmt_n(server['openings'])} openings, over gRPC)")
        w("")
        records = server["candidates"] + server["openings"]
        w("| | |")
        w("|---|---:|")
        w(f"| `passerelle import candidates` (CLI -> ImportCandidates, synced batches of 1000) | "
          f"{server['import_candidates_s']:.1f} s, {server['import_candidates_per_s']:,.0f} records/s |")
        w(f"| `passerelle import openings` | {server['import_openings_s']:.1f} s |")
        w(f"| VmRSS empty / with the cohort / after the load runs | {fmt_bytes(server['rss_empty_bytes'])} / "
          f"{fmt_bytes(server['rss_loaded_bytes'])} / {fmt_bytes(server['rss_after_load_bytes'])} |")
        w(f"| VmRSS after a restart over the cohort | {fmt_bytes(server['rss_restarted_bytes'])} "
          f"({(server['rss_restarted_bytes'] - server['rss_empty_bytes']) / records:.0f} B per record above empty) |")
        w(f"| start, empty data directory (launch to serving) | {server['fresh_startup_s']:.2f} s |")
        w(f"| stop (SIGTERM to exit) / start over the cohort | {server['stop_s']:.2f} s / {server['restart_s']:.2f} s |")
        w("")

    # ---- load
    if load_runs:
        w(f"## End to end over gRPC (closed loop, loopback, {fmt_n(load_runs['candidates'])} candidates / "
          f"{fmt_n(load_runs['openings'])} openings)")
        w("")
        w(f"`passerelle-load`: each stream sends its next request when the previous one returns; one channel "
          f"per stream; each run stops at {load_runs['max_requests']:,} answers or {load_runs['max_seconds']:g} s, "
          f"after 1 s of warm-up. k={load_runs['k']}, explanations {'on' if load_runs['explain'] else 'off'} "
          "(the server's default). `grpc.health.v1.Health/Check`, served by the same server, is the no-op "
          "baseline, run just before the others at each concurrency. put_candidate re-puts the cohort's own "
          "records (a synced write each).")
        w("")
        w("| rpc | concurrency | answers | QPS | of health | p50 ms | p90 ms | p99 ms | p99.9 ms | errors |")
        w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in load_runs["runs"]:
            errors = ", ".join(f"{k} {v}" for k, v in r["errors"].items()) or "none"
            of = "-" if r["rpc"] == "health" else f"{r['fraction_of_health'] * 100:.0f}%"
            w(f"| {r['rpc']} | {r['concurrency']} | {r['answers']:,} | {r['qps']:,.0f} | {of} | {r['p50_ms']:.3f} | "
              f"{r['p90_ms']:.3f} | {r['p99_ms']:.3f} | {r['p999_ms']:.3f} | {errors} |")
        w("")
        if no_explain:
            w("The match rpcs again with `explain: false` (scores and contributions, no sentences), each next to "
              "a health run of its own:")
            w("")
            w("| rpc | concurrency | QPS | of health | p50 ms | p99 ms | QPS with explanations |")
            w("|---|---:|---:|---:|---:|---:|---:|")
            with_explain = {(r["rpc"], r["concurrency"]): r["qps"] for r in load_runs["runs"]}
            for r in no_explain["runs"]:
                if r["rpc"] == "health":
                    continue
                w(f"| {r['rpc']} | {r['concurrency']} | {r['qps']:,.0f} | {r['fraction_of_health'] * 100:.0f}% | "
                  f"{r['p50_ms']:.3f} | {r['p99_ms']:.3f} | {with_explain.get((r['rpc'], r['concurrency']), 0):,.0f} |")
            w("")
        w("![QPS vs concurrency](qps-vs-concurrency.png)")
        w("")

    native(folder, w, matches, micros)
    profiles(folder, w)

    notes = os.path.join(folder, "notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            w(f.read().rstrip())
        w("")

    failures = run.get("failures") or []
    w("## Failures in this run")
    w("")
    if failures:
        for f in failures:
            w(f"- {f}")
    else:
        w("None: every step exited 0.")
    w("")

    with open(os.path.join(folder, "report.md"), "w") as f:
        f.write("\n".join(out))
    plots(folder, matches, load_runs)


def round_two_targets(matches, micros, batches, server):
    """The targets of the second performance round that this run measured (a row per target measured)."""
    targets = []
    for (nc, no), m in matches:
        for q in m.get("mix") or []:
            stated = (q["query"] == "MatchCandidates" and nc == 1000000) or (q["query"] == "MatchOpenings" and no == 100000)
            if not stated or not q.get("postgres_s"):
                continue
            ratio = q["postgres_s"] / q["engine_s"]
            targets.append((f"{q['query']} over {fmt_n(q['rows'])}: >= {TARGET_MATCH_OF_POSTGRES}x PostgreSQL on the "
                            f"{m.get('mix_queries', '?')}-query mix", f"{ratio:.0f}x ({fmt_ms(q['engine_s'])} vs "
                            f"{fmt_ms(q['postgres_s'])} ms)", met(ratio >= TARGET_MATCH_OF_POSTGRES)))
    for mi in micros:
        t = mi.get("seconds", {})
        for side, rows in (("candidates", mi["candidates"]), ("openings", mi["openings"])):
            e, p = t.get(f"BM_Kernel/{side}/engine"), t.get(f"BM_Kernel/{side}/scalar")
            if not (e and p):
                continue
            ns = e / rows * 1e9
            what = "one opening x every candidate" if side == "candidates" else "one candidate x every opening"
            targets.append((f"full kernel, {what} ({fmt_n(rows)} rows): <= {TARGET_KERNEL_NS_PER_PAIR:g} ns/pair and "
                            f">= {TARGET_KERNEL_OF_SCALAR:g}x the scalar peer", f"{ns:.1f} ns/pair, {p / e:.1f}x",
                            met(ns <= TARGET_KERNEL_NS_PER_PAIR and p / e >= TARGET_KERNEL_OF_SCALAR)))
    for b in batches:
        if b["candidates"] >= 1000000 and b["openings"] >= 100000:
            targets.append(("re-rank of 1M candidates x 100k openings < 60 s", f"{b['rerank_s']:.1f} s, "
                            f"{b['engine_pairs_per_s'] / b['scalar_pairs_per_s']:.0f}x the scalar peer per pair",
                            met(b["rerank_s"] < TARGET_BATCH_1M_S)))
    return targets


PROFILE_SUBJECTS = [
    ("server-match_openings", "passerelle-server answering MatchOpenings at concurrency 1 (passerelle-load, 5 s)"),
    ("server-match_candidates", "passerelle-server answering MatchCandidates at concurrency 1 (passerelle-load, 5 s)"),
    ("import-server", "passerelle-server during `passerelle import candidates` (a second run, into a fresh server)"),
    ("import-client", "the `passerelle import candidates` client (the second run)"),
    ("durability", "the durability benchmark (raw RocksDB, synced import and start-up phases together)"),
    ("batch", "the batch benchmark (re-rank, scalar peer slice, assignment)"),
    ("micro-", "the micro benchmark at {} (every kernel and top-k case together)"),
    ("match-", "the match benchmark at {} (engine, scalar peer and the PostgreSQL client; not PostgreSQL's server)"),
]


def profiles(folder, w, top=12):
    """The heaviest symbols of each perf profile run_report.sh kept (logs/profile-*.txt)."""
    found = []
    for prefix, what in PROFILE_SUBJECTS:
        for path in sorted(glob.glob(os.path.join(folder, "logs", f"profile-{prefix}*.txt"))):
            name = os.path.basename(path)[len("profile-"):-len(".txt")]
            point = name[len(prefix):].replace("x", " / ") if prefix.endswith("-") else ""
            with open(path) as f:
                lines = [l.rstrip() for l in f if l.strip()]
            if lines:
                found.append((what.format(point), name, lines[:top]))
    if not found:
        return
    w("## Where the time goes (perf)")
    w("")
    w("Sampled with `perf record -F 499` during the runs above (the server's under a separate 5 s load run), flat, "
      "by shared object and symbol; the full lists (every symbol above 0.5%) are in logs/profile-*.txt.")
    w("")
    for what, name, lines in found:
        w(f"**{what}** (`logs/profile-{name}.txt`)")
        w("")
        w("```")
        for line in lines:
            w(line)
        w("```")
        w("")


def native(folder, w, matches, micros):
    """The portable build's figures beside a -march=native build's, at the point both ran."""
    rows = []
    for path in sorted(glob.glob(os.path.join(folder, "native-micro-*.json"))):
        nm = load(path)
        pm = next((m for m in micros if nm and (m["candidates"], m["openings"]) == (nm["candidates"], nm["openings"])), None)
        if not (nm and pm):
            continue
        for side, n in (("candidates", nm["candidates"]), ("openings", nm["openings"])):
            key = f"BM_Kernel/{side}/engine"
            if nm["seconds"].get(key) and pm["seconds"].get(key):
                rows.append((f"full kernel, {side} side ({fmt_n(n)} rows), ns/pair", pm["seconds"][key] / n * 1e9,
                             nm["seconds"][key] / n * 1e9))
    for path in sorted(glob.glob(os.path.join(folder, "native-match-*.json"))):
        nm = load(path)
        pm = dict(matches).get(point_key(path.replace("native-", "")))
        if not (nm and pm):
            continue
        portable = {q["query"]: q for q in pm.get("queries", [])}
        for q in nm.get("queries", []):
            if q["query"] in portable:
                rows.append((f"{q['query']} over {fmt_n(q['rows'])}, one query, ms", portable[q["query"]]["engine_s"] * 1e3,
                             q["engine_s"] * 1e3))
    if not rows:
        return
    w("## Portable build against a native build")
    w("")
    w("The same benchmarks compiled with `-DPASSERELLE_NATIVE=ON` (-march=native everywhere); the portable build "
      "picks its kernel path at run time. Below 1: the native build is faster.")
    w("")
    w("| | portable | native | portable / native |")
    w("|---|---:|---:|---:|")
    for what, p, n in rows:
        w(f"| {what} | {p:.3f} | {n:.3f} | {p / n:.2f} |")
    w("")


RPC_STYLES = {
    "health": "lc rgb '#000000' dt 2 pt 1",
    "match_openings": "lc rgb '#1b7837' pt 7",
    "match_candidates": "lc rgb '#2166ac' pt 5",
    "explain": "lc rgb '#e08214' pt 9",
    "put_candidate": "lc rgb '#b2182b' pt 13",
}


def gnuplot(script, folder):
    if not shutil.which("gnuplot"):
        print("gnuplot is not installed: no plots (scripts/install-deps.sh installs gnuplot-nox)", file=sys.stderr)
        return
    subprocess.run(["gnuplot"], input=script, text=True, cwd=folder, check=True)


def plots(folder, matches, load_runs):
    data_dir = os.path.join(folder, "plot-data")
    os.makedirs(data_dir, exist_ok=True)
    if matches:
        series = {}
        for _, m in matches:
            for q in m.get("queries", []):
                for side in ("engine", "scalar", "postgres"):
                    if q.get(f"{side}_s"):
                        series.setdefault((q["query"], side), []).append((q["rows"], q[f"{side}_s"] * 1e3))
        panels = []
        for query, xlabel in (("MatchCandidates", "candidates scanned"), ("MatchOpenings", "openings scanned")):
            lines = []
            for side, style in (("engine", "lc rgb '#1b7837' pt 7"), ("scalar", "lc rgb '#762a83' pt 5"),
                                ("postgres", "lc rgb '#2166ac' pt 9")):
                pts = series.get((query, side))
                if not pts:
                    continue
                name = f"plot-data/latency-{query}-{side}.dat"
                with open(os.path.join(folder, name), "w") as f:
                    f.write("# rows ms\n" + "".join(f"{x} {y}\n" for x, y in sorted(pts)))
                lines.append(f"'{name}' using 1:2 with linespoints lw 2 {style} title '{side}'")
            if lines:
                panels.append(f"set title '{query}: one query, k=10'\nset xlabel '{xlabel}'\n"
                              f"plot {', '.join(lines)}\n")
        if panels:
            gnuplot("set terminal pngcairo size 1200,500 font 'sans,10' noenhanced\nset output 'latency-vs-scale.png'\n"
                    f"set multiplot layout 1,{len(panels)}\nset logscale xy\nset grid\nset key top left\n"
                    "set ylabel 'milliseconds per query (log)'\nset format x '%.0s%c'\n" + "".join(panels) +
                    "unset multiplot\n", folder)
    if load_runs:
        rpcs = []
        for r in load_runs["runs"]:
            if r["rpc"] not in rpcs:
                rpcs.append(r["rpc"])
        qps_lines, p99_lines = [], []
        for rpc in rpcs:
            name = f"plot-data/load-{rpc}.dat"
            with open(os.path.join(folder, name), "w") as f:
                f.write("# concurrency qps p50_ms p99_ms\n")
                for r in load_runs["runs"]:
                    if r["rpc"] == rpc:
                        f.write(f"{r['concurrency']} {r['qps']} {r['p50_ms']} {r['p99_ms']}\n")
            style = RPC_STYLES.get(rpc, "lc rgb '#444444' pt 1")
            qps_lines.append(f"'{name}' using 1:2 with linespoints lw 2 {style} title '{rpc}'")
            p99_lines.append(f"'{name}' using 1:4 with linespoints lw 2 {style} title '{rpc}'")
        gnuplot("set terminal pngcairo size 1200,550 font 'sans,10' noenhanced\nset output 'qps-vs-concurrency.png'\n"
                "set multiplot layout 1,2\nset logscale x 2\nset grid\nset key below horizontal\n"
                "set xlabel 'concurrent streams (closed loop)'\n"
                f"set title 'QPS over gRPC, {fmt_n(load_runs['candidates'])} candidates'\nset logscale y\n"
                "set ylabel 'answers per second (log)'\n"
                f"plot {', '.join(qps_lines)}\n"
                "set title 'p99 latency'\nset ylabel 'ms (log)'\n"
                f"plot {', '.join(p99_lines)}\nunset multiplot\n", folder)


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        self_test()
        sys.exit(0)
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1])
