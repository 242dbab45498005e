"""Runs examples/spark/logscrub_spark.py with PySpark in local[2] on a
generated tree and compares every output file byte for byte with one
`logscrub -o` on one machine; a line over --max-line-bytes must fail the job.
Then the same tree with --learn run (two stages, learning across batches)
against one `logscrub -o` with learning on.

    python tests/spark/check_recipe.py --logscrub target/debug/logscrub \
        --gen-corpus target/debug/examples/gen-corpus

Run with a Python that has pyspark (.ci/run makes one). Prints
`N passed, N failed` and exits 1 when anything failed.
"""

import argparse
import base64
import gzip
import importlib.util
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

# Revealed in a host position in one file, mentioned bare in a file of
# another batch (and in its own): what only run-wide learning redacts there.
LEARNED_FILE = os.path.join("edge", "learned.log")
MENTION_FILE = os.path.join("zz-later", "notes.log")
LEARNED_VALUE = b"buildbox07"
# A password revealed in that file and mentioned there in a shape a
# dictionary's candidates do not cut out (after a sixth `:`): only a run that
# learns the value itself finds it, so stage 2 must learn within its batch.
SECRET = b"Qx7!vLm9#pR2"


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
          b"Connection to buildbox07:5432 refused\nrestarting buildbox07 after the outage\n"
          b"login user=bob password=" + SECRET + b" ok\nretry a:b:c:d:e:f:" + SECRET + b"\n")
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


def run_recipe(spark_home, python, logscrub, key, src, dst, work, extra, batch="2MiB",
               learn="off"):
    """Exit code, the driver's output, and every log and event log."""
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
           "--batch-bytes", batch, "--learn", learn, src, dst, "--", *extra]
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    logs = p.stdout + p.stderr
    for folder, _, files in os.walk(events):
        for name in files:
            with open(os.path.join(folder, name), "rb") as f:
                logs += f.read()
    # spark-submit gives the driver's stderr and stdout as one stream.
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace"), logs


def summary(err):
    """The driver's last line: files, tasks, CPU."""
    lines = [l for l in err.splitlines() if l.startswith("logscrub-spark: ") and " tasks: " in l]
    return lines[-1] if lines else ""


def logscrub_cpu(line):
    """Seconds of logscrub CPU in a summary line, all stages."""
    part = line.split("logscrub CPU ", 1)[-1].split(" (the tasks'", 1)[0]
    return sum(float(x) for x in re.findall(r"(\d+\.\d+) s", part))


def dictionary_only(logscrub, key, path, work):
    """The file redacted with only the dictionary of its own learning pass."""
    d, out = os.path.join(work, "own.dict"), os.path.join(work, "own.out")
    subprocess.run([logscrub, "learn", "--key-file", key, "-o", d, path], check=True)
    subprocess.run([logscrub, "-q", "--learn", "off", "--dictionary", d, "--key-file", key,
                    "-o", out, path], check=True)
    with open(out, "rb") as f:
        return f.read()


def load_recipe():
    """The recipe as a module (for its batching), leaving no __pycache__."""
    spec = importlib.util.spec_from_file_location("logscrub_spark", RECIPE)
    mod = importlib.util.module_from_spec(spec)
    sys.dont_write_bytecode, before = True, sys.dont_write_bytecode
    try:
        spec.loader.exec_module(mod)
    finally:
        sys.dont_write_bytecode = before
    return mod


def tree_files(root):
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


def one_machine(logscrub, key, extra, src, ref, learn="off"):
    """`logscrub -o` over the whole tree; learn=None is its default (auto)."""
    return one_machine_start(logscrub, key, extra, src, ref, learn)()


def one_machine_start(logscrub, key, extra, src, ref, learn="off"):
    """Starts one_machine; returns the call that waits for its result."""
    mode = ["--learn", learn] if learn else []
    err = tempfile.TemporaryFile()
    p = subprocess.Popen([logscrub, "-q", *mode, "--key-file", key, *extra,
                          "-o", ref + "/", src], stderr=err)

    def wait():
        code = p.wait()
        err.seek(0)
        return code, err.read().decode("utf-8", "replace")
    return wait


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
        summary_one = summary(err)
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

        # --learn run on the same tree: against one `logscrub -o` that learns
        # (its default --learn auto), file by file.
        dst_l, ref_l = (os.path.join(work, d) for d in ("spark-learned", "one-machine-learned"))
        # The reference runs while Spark starts: the test takes less time.
        reference = one_machine_start(logscrub, key, limit, src, ref_l, learn=None)
        code, err, logs = run_recipe(spark_home, sys.executable, logscrub, key, src, dst_l,
                                     work, limit, learn="run")
        summary_run = summary(err)
        check("--learn run exits 0 on the tree", code == 0, err[-3000:])
        check("--learn run learns, merges and redacts",
              "learning" in summary_run and "merging" in summary_run, summary_run)
        code, err = reference()
        check("one machine with learning exits 0 on the tree", code == 0, err)
        got_l, want_l = tree_files(dst_l), tree_files(ref_l)
        compare("--learn run", got_l, want_l)
        check("--learn run: the key is in no log or event log", key_bytes not in logs)
        # Not vacuous: the value is revealed in one batch and mentioned in
        # another, learning changes that file, and the one-pass job does not.
        recipe = load_recipe()
        todo = recipe.batches(recipe.LocalTree(src).list(), recipe.parse_size("2MiB"))
        batch_of = {rel: i for i, b in enumerate(todo) for rel in b}
        check("the learned value's two files are in different batches",
              batch_of.get(LEARNED_FILE) != batch_of.get(MENTION_FILE),
              f"{batch_of.get(LEARNED_FILE)} and {batch_of.get(MENTION_FILE)}")
        check("learning redacts the bare mention in the other batch",
              LEARNED_VALUE in want.get(MENTION_FILE, b"")
              and LEARNED_VALUE not in want_l.get(MENTION_FILE, LEARNED_VALUE))
        check("the one-pass job differs from learning on that file",
              got.get(MENTION_FILE) != want_l.get(MENTION_FILE)
              and LEARNED_VALUE in got.get(MENTION_FILE, b""))
        check("--learn run redacts it", LEARNED_VALUE not in got_l.get(MENTION_FILE, LEARNED_VALUE))
        dict_only = dictionary_only(logscrub, key, os.path.join(src, LEARNED_FILE), work)
        check("a dictionary alone leaves the password's second mention",
              dict_only.count(SECRET) == 1, f"{dict_only.count(SECRET)} mentions left")
        check("--learn run redacts it, as one machine does",
              SECRET not in got_l.get(LEARNED_FILE, SECRET)
              and SECRET not in want_l.get(LEARNED_FILE, SECRET))
        ls_one, ls_run = logscrub_cpu(summary_one), logscrub_cpu(summary_run)
        print(f"CPU: logscrub {ls_one:.2f} s one pass, {ls_run:.2f} s --learn run "
              f"({ls_run / ls_one if ls_one else 0:.2f}x: "
              f"{summary_run.split('logscrub CPU ')[-1].split(' (the')[0]})")

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

        # --learn run: a file the learning stage cannot read fails the job
        # there, naming the file, with no value in any log and no output.
        bad = os.path.join(work, "in-broken")
        shutil.copytree(os.path.join(src, "zz-later"), os.path.join(bad, "zz-later"))
        marker = b"hunter2-gzip-secret"
        whole = gzip.compress((b"password=" + marker + b" ok\n") * 20_000, mtime=0)
        write(os.path.join(bad, "edge", "broken.log.gz"), whole[:len(whole) // 2])
        code, err, logs = run_recipe(spark_home, sys.executable, logscrub, key, bad,
                                     os.path.join(work, "broken-out"), work, limit, learn="run")
        check("--learn run: an unreadable file fails the job", code != 0, f"exit {code}")
        check("--learn run: the failure names the file and the stage",
              os.path.join("in-broken", "edge", "broken.log.gz") in err and "learning batch" in err,
              err[-2000:])
        check("--learn run: the failure holds no value", marker not in logs)
        check("--learn run: nothing is written", not os.path.exists(os.path.join(work, "broken-out"))
              or not os.listdir(os.path.join(work, "broken-out")))
    finally:
        if a.keep:
            print(f"work folder: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"{len(PASSED)} passed, {len(FAILED)} failed")
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
