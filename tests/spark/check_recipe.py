"""Runs examples/spark/logscrub_spark.py with PySpark in local[2] on a
generated tree and compares every output file byte for byte with one
`logscrub -o` on one machine; a line over --max-line-bytes must fail the job.

    python tests/spark/check_recipe.py --logscrub target/debug/logscrub \
        --gen-corpus target/debug/examples/gen-corpus

Run with a Python that has pyspark (.ci/run makes one). Prints
`N passed, N failed` and exits 1 when anything failed.
"""

import argparse
import base64
import gzip
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
RECIPE = os.path.join(HERE, "..", "..", "examples", "spark", "logscrub_spark.py")

PASSED, FAILED = [], []


def check(name, ok, detail=""):
    (PASSED if ok else FAILED).append(name)
    if not ok:
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


PEM_BODY = [base64.b64encode(bytes([i]) * 48).decode() for i in range(26)]


def build_tree(root, gen_corpus, work):
    """Tens of MB of generated logs in folders, cut into files of many sizes,
    plus the files that break line-based routes."""
    corpus = os.path.join(work, "corpus.log")
    subprocess.run([gen_corpus, "write", "24MB", "7", "dense", corpus,
                    os.path.join(work, "truth.tsv")], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(corpus, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    rng = random.Random(7)
    folders = ["app", "app/logs", "nodes/db01.acme.local", "nodes/jira-prd-02.corp",
               "home/anna.kowalski", "support/2024-05-01", "a/b/c/d"]
    names = ["atlassian-bitbucket.log", "catalina.out", "access.log",
             "atlassian-jira.log.1", "gc.log", "audit.log"]
    i, n = 0, 0
    while i < len(lines):
        take = rng.choice([200, 1_000, 4_000, 12_000, 25_000])
        part = b"".join(lines[i:i + take])
        i += take
        write(os.path.join(root, rng.choice(folders), f"{n:03}-{rng.choice(names)}"), part)
        n += 1
    sample = b"".join(lines[:3000])

    # Line ends and bytes that text readers change.
    write(os.path.join(root, "edge", "crlf.log"), sample.replace(b"\n", b"\r\n"))
    write(os.path.join(root, "edge", "lone-cr.log"),
          b"progress 10%\rprogress 50%\rdone for jane.doe@acme-corp.com\n" + sample[:50_000]
          + b"\rtail without newline to admin@db01.acme.local")
    write(os.path.join(root, "edge", "invalid-utf8.log"),
          b"2024-05-01 user=\xe9ric.m\xfcller\xff\xfe from 10.20.30.40\n"
          b"\xc3\x28 broken \xa0 ssh anna.kowalski@build-07.acme.local\n" + sample[:20_000])
    write(os.path.join(root, "edge", "empty.log"), b"")
    # A name found in a host position here and mentioned bare here and in
    # another file: what learning would change.
    write(os.path.join(root, "edge", "learned.log"),
          b"Connection to buildbox07:5432 refused\nrestarting buildbox07 after the outage\n")
    write(os.path.join(root, "zz-later", "notes.log"), b"buildbox07 is back\n" + sample[:5_000])
    key = ["-----BEGIN RSA PRIVATE KEY-----", *PEM_BODY, "-----END RSA PRIVATE KEY-----"]
    write(os.path.join(root, "edge", "key-block.log"),
          sample[:200_000] + ("\n".join(key) + "\n").encode() + sample[200_000:400_000])

    # Bundles: a support zip (with a binary entry) and a two-member .gz.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for j, (name, data) in enumerate([
                ("application-logs/atlassian-bitbucket.log", sample),
                ("application-logs/support/db01.acme.local.txt", sample[:30_000]),
                ("heap/java_pid4242.hprof", bytes(range(256)) * 64)]):
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 12, j, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    write(os.path.join(root, "bundles", "support-acme.zip"), buf.getvalue())
    write(os.path.join(root, "bundles", "catalina.out.gz"),
          gzip.compress(sample[:100_000], mtime=0) + gzip.compress(sample[100_000:], mtime=0))
    # A batch that holds only a binary file: left out, as on one machine.
    write(os.path.join(root, "zz-heap", "java_pid1.hprof"), bytes(range(256)) * 12_000)


def run_recipe(spark_home, python, logscrub, key, src, dst, work, extra, batch="2MiB"):
    events = os.path.join(work, "events-" + os.path.basename(dst))
    os.makedirs(events, exist_ok=True)
    env = dict(os.environ, PYSPARK_PYTHON=python, PYSPARK_DRIVER_PYTHON=python,
               SPARK_HOME=spark_home)
    env.pop("LOGSCRUB_KEY", None)
    cmd = [os.path.join(spark_home, "bin", "spark-submit"), "--master", "local[2]",
           "--conf", "spark.eventLog.enabled=true",
           "--conf", f"spark.eventLog.dir=file://{events}",
           "--conf", f"spark.local.dir={work}/spark-local",
           "--conf", "spark.eventLog.compress=false",
           "--conf", "spark.ui.enabled=false",
           RECIPE, "--key-file", key, "--logscrub", logscrub,
           "--batch-bytes", batch, src, dst, "--", *extra]
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    logs = p.stdout + p.stderr
    for folder, _, files in os.walk(events):
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                logs += f.read()
    # spark-submit gives the driver's stderr and stdout as one stream.
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace"), logs


def tree_files(root):
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


def one_machine(logscrub, key, extra, src, ref):
    p = subprocess.run([logscrub, "-q", "--learn", "off", "--key-file", key, *extra,
                        "-o", ref + "/", src], stderr=subprocess.PIPE)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def compare(what, got, want):
    check(f"{what}: same output file names as one machine", sorted(got) == sorted(want),
          f"only recipe: {sorted(set(got) - set(want))[:5]}, "
          f"only one machine: {sorted(set(want) - set(got))[:5]}")
    for rel in sorted(want):
        check(f"{what}: same bytes: {rel}", got.get(rel) == want[rel])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--logscrub", required=True)
    ap.add_argument("--gen-corpus", required=True)
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()
    logscrub = os.path.abspath(a.logscrub)
    import pyspark
    spark_home = os.path.dirname(pyspark.__file__)

    work = tempfile.mkdtemp(prefix="logscrub-spark-test-")
    try:
        key = os.path.join(work, "logscrub.key")
        key_bytes = base64.b64encode(os.urandom(32))
        write(key, key_bytes)
        limit = ["--max-line-bytes", "64KiB"]

        # One pass over the tree: the recipe against one logscrub.
        src, dst, ref = (os.path.join(work, d) for d in ("in", "spark-out", "one-machine"))
        build_tree(src, os.path.abspath(a.gen_corpus), work)
        code, err, logs = run_recipe(spark_home, sys.executable, logscrub, key, src, dst,
                                     work, limit)
        check("recipe exits 0 on the tree", code == 0, err[-3000:])
        m = re.search(r"in (\d+) tasks", err)
        check("the tree is cut into several tasks", bool(m) and int(m.group(1)) >= 8,
              m.group(0) if m else "no summary line")
        code, err = one_machine(logscrub, key, limit, src, ref)
        check("one machine exits 0 on the tree", code == 0, err)
        got, want = tree_files(dst), tree_files(ref)
        compare("paths", got, want)
        check("file names are redacted", any("[HOST-" in r for r in want))
        check("the binary file is left out", not any(r.endswith(".hprof") for r in got))
        check("the key block is redacted",
              not any(PEM_BODY[5].encode() in data for data in got.values()))
        check("CR and CRLF come through", b"\r\n" in got.get(os.path.join("edge", "crlf.log"), b"")
              and b"%\rprogress" in got.get(os.path.join("edge", "lone-cr.log"), b""))
        check("the key is in no log or event log", key_bytes not in logs)

        # The same through URIs (pyarrow's file systems), on the edge files
        # and bundles in small batches.
        src2, dst2, ref2 = (os.path.join(work, d) for d in ("in-uri", "uri-out", "uri-ref"))
        for d in ("edge", "bundles", "zz-heap"):
            shutil.copytree(os.path.join(src, d), os.path.join(src2, d))
        code, err, _ = run_recipe(spark_home, sys.executable, logscrub, key, "file://" + src2,
                                  "file://" + dst2, work, limit, batch="256KiB")
        check("recipe exits 0 on file:// URIs", code == 0, err[-3000:])
        code, err = one_machine(logscrub, key, limit, src2, ref2)
        check("one machine exits 0 on the URI tree", code == 0, err)
        compare("URIs", tree_files(dst2), tree_files(ref2))

        # A line over --max-line-bytes fails the job and names its file.
        bad = os.path.join(work, "in-long")
        shutil.copytree(os.path.join(src, "edge"), os.path.join(bad, "edge"))
        marker = b"hunter2-long-line-secret"
        write(os.path.join(bad, "edge", "too-long.log"),
              b"ok line\npassword=" + marker + b" " + b"x" * 100_000 + b"\nlast\n")
        code, err, logs = run_recipe(spark_home, sys.executable, logscrub, key, bad,
                                     os.path.join(work, "long-out"), work, limit)
        check("a too-long line fails the job", code != 0, f"exit {code}")
        check("the failure names the file",
              os.path.join("in-long", "edge", "too-long.log") in err, err[-2000:])
        check("the failure holds no value", marker not in logs)
        check("no output for the failed file",
              not os.path.exists(os.path.join(work, "long-out", "edge", "too-long.log")))
    finally:
        if a.keep:
            print(f"work folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
