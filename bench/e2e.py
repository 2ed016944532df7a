"""The end-to-end benchmark: the full-width VGG16-like model under each protocol, the three computing
parties and the client as four separate OS processes on loopback (scripts/bench.sh builds the
binary and calls this).

For every protocol, security (TLS 1.3; plain TCP, labelled INSECURE) and preprocessing mode
(`ahead`: the offline phase, a barrier, the online phase, so the online latency is the online phase
alone; `concurrent`: the offline phase on its own thread and links overlapping the online phase, so
the total is the end-to-end latency), one client session runs --warmup + --runs iterations of the
same image. Each party runs under /usr/bin/time -v (peak RSS, CPU) and writes its layer report
(party --layer-report). Reported: the median and the min-max of the measured iterations' offline,
online and total latency, bytes sent per party per prediction, rounds, peak RSS per process, CPU
per process, and, from the layer reports, the online time and traffic per layer. The plaintext
time of the same model comes from our executor (`predict --plaintext`) and from PyTorch
(bench/torch_plaintext.py).

Writes RESULTS/results.json and RESULTS/results.md (the tables docs/BENCHMARKS.md quotes) and
prints the markdown. Standard library only.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROLES = ("server0", "server1", "helper")


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    try:
        for s in sockets:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def run_checked(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if result.returncode != 0:
        raise SystemExit(f"e2e: {' '.join(cmd)} failed with exit code {result.returncode}:\n{result.stderr.strip()}")
    return result


def time_v(path: Path) -> dict:
    """The fields of /usr/bin/time -v we report."""
    text = path.read_text()

    def field(name: str) -> str:
        m = re.search(rf"^\s*{re.escape(name)}: (.+)$", text, re.M)
        return m.group(1).strip() if m else ""

    elapsed = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(p) for p in elapsed.split(":")] if elapsed else [0.0]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    return {
        "max_rss_mib": int(field("Maximum resident set size (kbytes)") or 0) / 1024,
        "user_s": float(field("User time (seconds)") or 0),
        "system_s": float(field("System time (seconds)") or 0),
        "wall_s": seconds,
        "minor_faults": int(field("Minor (reclaiming a frame) page faults") or 0),
    }


def parse_client(out: str) -> dict:
    """The client's output block: per-iteration latency rows, bytes and rounds per party."""
    iterations, traffic = [], {}
    section = None
    for line in out.splitlines():
        if line.startswith("latency per iteration"):
            section = "latency"
            continue
        if line.startswith("bytes sent per iteration"):
            section = "traffic"
            continue
        if not line.strip():
            section = None
            continue
        cells = line.split()
        if section == "latency" and cells[0].isdigit():
            iterations.append({"offline_ms": float(cells[1]), "online_ms": float(cells[2]), "total_ms": float(cells[3])})
        elif section == "traffic" and cells[0] in ROLES:
            traffic[cells[0]] = {"offline_bytes": int(cells[1].replace(",", "")), "online_bytes": int(cells[2].replace(",", "")),
                                 "offline_rounds": int(cells[3].replace(",", "")), "online_rounds": int(cells[5].replace(",", ""))}
        elif section == "traffic" and cells[0] == "client":
            traffic["client"] = {"offline_bytes": 0, "online_bytes": int(cells[2].replace(",", "")), "offline_rounds": 0, "online_rounds": 0}
    probabilities = re.search(r"^\s+0\s+(\d+)\s+([\d.\s]+)$", out, re.M)
    return {"iterations": iterations, "traffic": traffic,
            "class": int(probabilities.group(1)) if probabilities else None,
            "probabilities": [float(p) for p in probabilities.group(2).split()] if probabilities else None}


def read_npy_f32(path: Path) -> list[float]:
    """The values of a float32 .npy the client wrote (C order, little-endian; standard library only)."""
    import struct
    data = path.read_bytes()
    header_len = struct.unpack("<H", data[8:10])[0]
    header = data[10:10 + header_len].decode("latin1")
    if "'<f4'" not in header:
        raise SystemExit(f"e2e: {path}: expected float32 little-endian, header {header.strip()}")
    body = data[10 + header_len:]
    return list(struct.unpack(f"<{len(body) // 4}f", body))


def parse_layer_report(path: Path, request: int) -> list[dict]:
    """One row per layer of the request's online and offline phases (wall ms, CPU ms, bytes, rounds)."""
    rows = []
    for line in path.read_text().splitlines()[2:]:
        c = line.split("\t")
        if int(c[0]) != request or c[1] not in ("Online", "Offline") or c[2] in ("*", "-") or c[3] != "*":
            continue
        rows.append({"phase": c[1], "layer": c[2], "wall_ms": None if c[5] == "-" else float(c[5]),
                     "cpu_ms": None if c[6] == "-" else float(c[6]), "bytes_sent": int(c[7]),
                     "bytes_received": int(c[8]), "rounds": int(c[9])})
    return rows


def process_cpu(path: Path, request: int) -> dict:
    cpu = {}
    for line in path.read_text().splitlines()[2:]:
        c = line.split("\t")
        if int(c[0]) == request and c[1] == "Process":
            cpu[c[3]] = float(c[6])
    return cpu


def session(args, workdir: Path, protocol: str, security: str, preprocessing: str) -> dict:
    """One client session of warmup + runs iterations against three party processes."""
    name = f"{protocol}-{security}-{preprocessing}"
    folder = workdir / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    ports = free_ports(2)
    run_checked([args.binary, "make-certs", "--out", str(folder / "deploy"),
                 "--server0", f"127.0.0.1:{ports[0]}", "--server1", f"127.0.0.1:{ports[1]}"])
    config = folder / "deploy" / "parties.json"
    if security == "plain":
        text = config.read_text().replace('"security": "tls"', '"security": "insecure-plain-tcp"')
        config.write_text(text)
    config_json = json.loads(config.read_text())
    config_json["timeoutSeconds"] = 600
    config.write_text(json.dumps(config_json, indent=2))

    parties = []
    try:
        for role in ROLES:
            cmd = ["/usr/bin/time", "-v", "-o", str(folder / f"{role}.time"), args.binary, "party", "--role", role,
                   "--config", str(config), "--layer-report", str(folder / f"{role}.tsv"), "--quiet"]
            if role != "helper":
                cmd += ["--share-file", str(workdir / "shares" / f"{role}.share")]
            parties.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=open(folder / f"{role}.err", "w"),
                                            start_new_session=True))
        iterations = args.warmup + args.runs
        client = subprocess.run(
            ["/usr/bin/time", "-v", "-o", str(folder / "client.time"), args.binary, "client", "--config", str(config),
             "--input-file", args.input, "--protocol", protocol, "--preprocessing", preprocessing,
             "--iterations", str(iterations), "--output-file", str(folder / "logits.npy"), "--quiet"],
            capture_output=True, text=True, timeout=args.timeout)
        if client.returncode != 0:
            # A client that stops before connecting (a flag it refuses) leaves the parties waiting.
            time.sleep(2)
            for p in parties:
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGTERM)
        codes = [p.wait(timeout=120) for p in parties]
    except BaseException:
        for p in parties:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
        raise
    (folder / "client.out").write_text(client.stdout)
    (folder / "client.err").write_text(client.stderr)
    if client.returncode != 0 or any(codes):
        reason = client.stderr.strip().splitlines()[-1] if client.stderr.strip() else f"exit codes {codes}"
        return {"name": name, "protocol": protocol, "security": security, "preprocessing": preprocessing,
                "failed": reason, "exit_codes": [*codes, client.returncode]}

    parsed = parse_client(client.stdout)
    logits = read_npy_f32(folder / "logits.npy")
    measured = parsed["iterations"][args.warmup:]
    last = args.warmup + args.runs

    def stat(key: str) -> dict:
        values = [m[key] for m in measured]
        return {"median": statistics.median(values), "min": min(values), "max": max(values), "values": values}

    return {
        "name": name, "protocol": protocol, "security": security, "preprocessing": preprocessing,
        "warmup": args.warmup, "runs": args.runs,
        "first_iteration": parsed["iterations"][0],
        "offline_ms": stat("offline_ms"), "online_ms": stat("online_ms"), "total_ms": stat("total_ms"),
        "traffic": parsed["traffic"], "class": parsed["class"], "probabilities": parsed["probabilities"],
        "logits": logits[-2:],
        "processes": {role: time_v(folder / f"{role}.time") for role in (*ROLES, "client")},
        "process_cpu_last_request": {role: process_cpu(folder / f"{role}.tsv", last) for role in ROLES},
        "layers": {role: parse_layer_report(folder / f"{role}.tsv", last) for role in ROLES},
    }


def plaintext(args) -> dict:
    logits_path = Path(args.out) / "plaintext-logits.npy"
    ours = run_checked([args.binary, "predict", "--model", args.model, "--input-file", args.input, "--plaintext",
                        "--iterations", str(args.warmup + args.runs), "--output-file", str(logits_path)]).stdout
    ms = [float(line.split()[1]) for line in ours.splitlines() if re.match(r"^\s+\d+\s+[\d.]+$", line)][args.warmup:]
    result = {"ours": {"ms": ms, "median_ms": statistics.median(ms), "logits": read_npy_f32(logits_path)}}
    if args.torch:
        torch = run_checked([args.python, str(Path(__file__).with_name("torch_plaintext.py")), "--images", args.calibration,
                             "--input", args.input, "--runs", str(args.runs), "--threads", "2"]).stdout
        result["pytorch"] = json.loads(torch)
    return result


def mib(n: float) -> str:
    return f"{n / 2**20:,.1f}"


def markdown(results: dict) -> str:
    out = []
    m = results["machine"]
    out.append(f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']:.0f} GiB; {m['kernel']}; {m['date']}.")
    out.append(f"Model: {results['model']} ({results['model_sha256'][:16]}...), input {results['input']}; "
               f"{results['warmup']} warm-up + {results['runs']} measured iterations per session.\n")

    out.append("| protocol | link | preprocessing | offline s | online s | total s (median, min-max) | first s | MB sent s0 / s1 / helper / client | rounds off / on | peak RSS MiB s0 / s1 / helper | max \\|logit - plaintext\\| |")
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in results["sessions"]:
        link = "TLS 1.3" if s["security"] == "tls" else "plain TCP (INSECURE)"
        if "failed" in s:
            out.append(f"| {s['protocol']} | {link} | {s['preprocessing']} | refused: {s['failed']} |||||||| |")
            continue
        t = s["traffic"]
        sent = " / ".join(f"{(t[r]['offline_bytes'] + t[r]['online_bytes']) / 1e6:,.0f}" for r in (*ROLES, "client"))
        rss = " / ".join(f"{s['processes'][r]['max_rss_mib']:,.0f}" for r in ROLES)
        tot = s["total_ms"]
        out.append(f"| {s['protocol']} | {link} | {s['preprocessing']} | {s['offline_ms']['median'] / 1e3:.2f} | "
                   f"{s['online_ms']['median'] / 1e3:.2f} | {tot['median'] / 1e3:.2f} ({tot['min'] / 1e3:.2f}-{tot['max'] / 1e3:.2f}) | "
                   f"{s['first_iteration']['total_ms'] / 1e3:.2f} | {sent} | "
                   f"{t['server0']['offline_rounds']} / {t['server0']['online_rounds']} | {rss} | {s['logit_error']:.2g} |")

    out.append("\nCPU per process over the whole session (user + system s, from /usr/bin/time -v), and per measured prediction (last request, from the layer report):\n")
    out.append("| session | server0 | server1 | helper | last prediction user / system s: server0, server1, helper |")
    out.append("|---|---:|---:|---:|---|")
    for s in results["sessions"]:
        if "failed" in s:
            continue
        p = s["processes"]
        last = ", ".join(f"{s['process_cpu_last_request'][r].get('user', 0) / 1e3:.1f} / {s['process_cpu_last_request'][r].get('system', 0) / 1e3:.1f}" for r in ROLES)
        out.append(f"| {s['name']} | " + " | ".join(f"{p[r]['user_s']:.1f} + {p[r]['system_s']:.1f}" for r in ROLES) + f" | {last} |")

    p = results["plaintext"]
    line = f"\nPlaintext, same model and image: our float32 executor (`predict --plaintext`, NativeAOT) {p['ours']['median_ms']:.0f} ms"
    if "pytorch" in p:
        line += f"; PyTorch {p['pytorch']['torch']} ({p['pytorch']['threads']} threads) {p['pytorch']['median_ms']:.0f} ms"
    out.append(line + " (medians).\n")
    for s in results["sessions"]:
        if "failed" not in s and s["security"] == "tls":
            ratio = s["total_ms"]["median"] / p["ours"]["median_ms"]
            out.append(f"- {s['name']}: secure / plaintext (ours) = {ratio:,.0f}x"
                       + (f", / PyTorch = {s['total_ms']['median'] / p['pytorch']['median_ms']:,.0f}x" if "pytorch" in p else ""))

    for s in results["sessions"]:
        if "failed" in s or s["security"] != "tls" or s["preprocessing"] != "ahead":
            continue
        out.append(f"\nPer layer, {s['name']}, last measured prediction (server0 and helper layer reports; online wall ms, "
                   f"server0's protocol-thread CPU ms, MB sent by server0 / helper, online rounds):\n")
        out.append("| layer | offline ms | online ms | online CPU ms (s0) | online MB s0 | online MB helper | offline MB helper | rounds |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        s0 = {(r["phase"], r["layer"]): r for r in s["layers"]["server0"]}
        helper = {(r["phase"], r["layer"]): r for r in s["layers"]["helper"]}
        for (phase, layer), r in s0.items():
            if phase != "Online" or (r["wall_ms"] or 0) < 1 and r["bytes_sent"] == 0:
                continue
            off = s0.get(("Offline", layer), {})
            h_on, h_off = helper.get(("Online", layer), {}), helper.get(("Offline", layer), {})
            out.append(f"| {layer} | {off.get('wall_ms') or 0:,.0f} | {r['wall_ms'] or 0:,.0f} | {r['cpu_ms'] or 0:,.0f} | "
                       f"{r['bytes_sent'] / 1e6:,.1f} | {h_on.get('bytes_sent', 0) / 1e6:,.1f} | {h_off.get('bytes_sent', 0) / 1e6:,.1f} | {r['rounds']} |")
    return "\n".join(out) + "\n"


def machine() -> dict:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown")
    memory = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": memory / 2**20, "kernel": os.uname().release,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True, help="the NativeAOT party executable of the model")
    ap.add_argument("--model", required=True, help="the model's .pb (for share-model and the plaintext run)")
    ap.add_argument("--input", required=True, help="one image (.npy)")
    ap.add_argument("--calibration", required=True, help="the images make_full_width.py calibrated on (for PyTorch)")
    ap.add_argument("--protocols", default="securenn,securenn-fast,pond")
    ap.add_argument("--preprocessing", default="ahead,concurrent")
    ap.add_argument("--plain-tcp", default="securenn-fast", help="protocols also run over plain TCP (concurrent only); '' for none")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--timeout", type=int, default=3600, help="seconds per client session")
    ap.add_argument("--no-torch", dest="torch", action="store_false")
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--out", required=True, help="folder for the sessions' files and the results")
    args = ap.parse_args()

    work = Path(args.out)
    work.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(work / "shares", ignore_errors=True)
    run_checked([args.binary, "share-model", "--model", args.model, "--out", str(work / "shares")])
    digest = run_checked(["sha256sum", args.model]).stdout.split()[0]

    plan = [(p, "tls", m) for p in args.protocols.split(",") if p for m in args.preprocessing.split(",") if m]
    plan += [(p, "plain", "concurrent") for p in args.plain_tcp.split(",") if p]
    sessions, refused = [], set()
    for protocol, security, preprocessing in plan:
        if protocol in refused:
            continue
        print(f"e2e: {protocol} over {security}, preprocessing {preprocessing} ...", file=sys.stderr, flush=True)
        s = session(args, work, protocol, security, preprocessing)
        summary = s["failed"] if "failed" in s else "total median {:.2f} s".format(s["total_ms"]["median"] / 1e3)
        print(f"e2e:   {summary}", file=sys.stderr, flush=True)
        sessions.append(s)
        if "failed" in s and "refused" in s["failed"]:
            refused.add(protocol)  # a protocol the model cannot run is refused the same way in every mode
    print("e2e: plaintext (ours, PyTorch) ...", file=sys.stderr, flush=True)
    results = {"machine": machine(), "model": args.model, "model_sha256": digest, "input": args.input,
               "runs": args.runs, "warmup": args.warmup, "sessions": sessions, "plaintext": plaintext(args)}
    (work / "results.json").write_text(json.dumps(results, indent=2))
    for s in sessions:
        if "failed" not in s:
            s["logit_error"] = max(abs(a - b) for a, b in zip(s["logits"], results["plaintext"]["ours"]["logits"]))
    text = markdown(results)
    (work / "results.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
