"""Redact a tree of logs and support bundles on Apache Spark with logscrub.

    spark-submit logscrub_spark.py --key-file /secure/logscrub.key IN OUT

Every file under IN is redacted into the same place under OUT, with the same
bytes as `logscrub --learn off -o OUT/ IN` on one machine. The driver lists the
files and packs them into batches of about --batch-bytes; each task copies its
batch to a local folder, runs one `logscrub -q -o` over it (whole files and
bundles: line ends, invalid UTF-8, key blocks and archives are handled exactly
as on one machine) and copies the outputs to OUT. Any failure of logscrub
fails the job, naming the file; logscrub's messages never hold a value.

The key is read from a file on the driver and handed to each logscrub through
a pipe: it is never in Spark's configuration, the environment, the event log
or the UI, and never on an executor's disk.

With --learn run, the job has two stages and learns across the whole run, as
one `logscrub -o OUT/ IN` does (its default --learn auto): each task first
runs `logscrub learn` over its batch and hands back the dictionary it wrote
(keyed hashes, no values); one task merges them with `logscrub learn
--dictionary ...`; then each task redacts its batch with `--learn auto
--dictionary` of the merged file, so a value found in one batch is replaced in
every batch.

IN and OUT are local paths (also a file system every node mounts), or URIs
(s3://, gs://, hdfs://, file://, ...) listed and copied through pyarrow's file
systems, which must then be installed on every node.
"""

import argparse
import json
import os
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from urllib.parse import urlparse

# Options the recipe sets itself, per task, or that would write a file per
# task: refused after `--`.
OWN_OPTIONS = {
    "-o", "--output", "-q", "--quiet", "--key-file", "--learn", "-j",
    "--threads", "--check", "--map", "--report", "--findings", "-v",
    "--verbose", "--line-buffered",
}

# What `logscrub learn` accepts of the options given after `--` (see
# `logscrub learn --help`): they go to the learning stage and the merge as
# well as to the redaction. Those that take a value are in the first set.
LEARN_VALUE_OPTIONS = {
    "--rules", "--allow", "--keywords", "--dictionary", "--max-learned",
    "--include", "--exclude", "--color",
}
LEARN_FLAGS = {"--no-default-rules", "--no-default-allow"}
# Options of the redaction only: left out of the learning stage.
REDACT_VALUE_OPTIONS = {
    "--max-line-bytes", "--binary", "--max-depth", "--max-unpacked",
    "--max-ratio", "--findings-format",
}
REDACT_FLAGS = {"--plain-tokens"}

PREFIX = "logscrub-spark"


def parse_size(text):
    """`256MiB`, `1G`, `500000`: a size in bytes."""
    units = {"k": 10**3, "m": 10**6, "g": 10**9,
             "kib": 2**10, "mib": 2**20, "gib": 2**30}
    t = text.strip().lower()
    for suffix in sorted(units, key=len, reverse=True):
        if t.endswith(suffix):
            return int(float(t[: -len(suffix)]) * units[suffix])
    return int(t)


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="logscrub_spark.py",
        description="Redact every file under IN into OUT with logscrub, "
        "in Spark tasks. Arguments after -- go to logscrub.")
    p.add_argument("--key-file", required=True,
                   help="pseudonym key, read on the driver (at least 16 bytes)")
    p.add_argument("--logscrub", default="logscrub",
                   help="the logscrub binary on the executors (default: on PATH)")
    p.add_argument("--batch-bytes", type=parse_size, default=parse_size("256MiB"),
                   help="input bytes per task (default 256MiB; a larger file is a task alone)")
    p.add_argument("--learn", choices=["off", "run"], default="off",
                   help="off (default): one pass, as `logscrub --learn off`; run: "
                   "two stages, a value found in any batch is replaced in every batch, "
                   "as one `logscrub -o` (--learn auto)")
    p.add_argument("input", metavar="IN")
    p.add_argument("output", metavar="OUT")
    p.add_argument("logscrub_args", nargs=argparse.REMAINDER)
    a = p.parse_args(argv)
    extra = a.logscrub_args
    if extra and extra[0] == "--":
        extra = extra[1:]
    for arg in extra:
        if arg.split("=", 1)[0] in OWN_OPTIONS:
            p.error(f"{arg.split('=', 1)[0]} is set by the recipe or writes a file per task")
    a.logscrub_args = extra
    a.learn_args = []
    if a.learn == "run":
        try:
            a.learn_args = learn_options(extra)
        except ValueError as e:
            p.error(str(e))
    return a


def learn_options(args):
    """The part of the logscrub options after `--` that `logscrub learn`
    takes. An option the recipe does not know is refused: whether the
    learning stage needs it cannot be told."""
    out, i = [], 0
    while i < len(args):
        arg = args[i]
        name = arg.split("=", 1)[0]
        takes_value = name in LEARN_VALUE_OPTIONS or name in REDACT_VALUE_OPTIONS
        n = 2 if takes_value and "=" not in arg else 1
        group = args[i:i + n]
        if name in LEARN_VALUE_OPTIONS or name in LEARN_FLAGS:
            out += group
        elif name == "--binary":
            value = arg.split("=", 1)[1] if "=" in arg else (group[1] if len(group) > 1 else "")
            if value == "scan":
                # logscrub learn leaves binary files out: a value only in one
                # would be learned on one machine and not here.
                raise ValueError("--binary scan cannot go with --learn run: "
                                 "`logscrub learn` does not scan binary files")
        elif name not in REDACT_VALUE_OPTIONS and name not in REDACT_FLAGS:
            raise ValueError(f"{name}: not known to the recipe's --learn run "
                             "(cannot tell whether `logscrub learn` takes it)")
        i += n
    return out


# --- file systems -----------------------------------------------------------

class LocalTree:
    """A folder on a file system every node mounts (or one machine's disk)."""

    def __init__(self, root):
        self.root = os.path.abspath(root)
        self.name = os.path.basename(self.root)

    def list(self):
        """(relative path, size) of every regular file. Links, devices and
        pipes are left out, as logscrub leaves them out of a folder."""
        if not os.path.isdir(self.root) or os.path.islink(self.root):
            raise SystemExit(f"{PREFIX}: {self.root}: not a folder")
        found = []
        for folder, dirs, files in os.walk(self.root):
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
            for name in files:
                path = os.path.join(folder, name)
                st = os.lstat(path)
                if stat.S_ISREG(st.st_mode):
                    found.append((os.path.relpath(path, self.root), st.st_size))
        return found

    def is_empty(self):
        return not os.path.exists(self.root) or not os.listdir(self.root)

    def fetch(self, rel, dest):
        shutil.copy2(os.path.join(self.root, rel), dest)

    def store(self, src, rel):
        """A temporary name, then a rename: nobody sees a partial file."""
        dest = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        tmp = os.path.join(os.path.dirname(dest), f".{PREFIX}-{uuid.uuid4().hex}.tmp")
        shutil.copy2(src, tmp)
        os.replace(tmp, dest)


class ArrowTree:
    """A folder given as a URI (hdfs://, s3://, gs://, abfs://, file://),
    through pyarrow's file systems, which must be installed on every node."""

    def __init__(self, uri):
        self.uri = uri
        self.root = self.fs()[1].rstrip("/")
        self.name = self.root.rsplit("/", 1)[-1]

    def fs(self):
        from pyarrow import fs
        return fs.FileSystem.from_uri(self.uri)

    def list(self):
        from pyarrow import fs
        f, _ = self.fs()
        if f.get_file_info(self.root).type != fs.FileType.Directory:
            raise SystemExit(f"{PREFIX}: {self.uri}: not a folder")
        infos = f.get_file_info(fs.FileSelector(self.root, recursive=True))
        return [(i.path[len(self.root) + 1:], i.size)
                for i in infos if i.type == fs.FileType.File]

    def is_empty(self):
        from pyarrow import fs
        f, _ = self.fs()
        if f.get_file_info(self.root).type == fs.FileType.NotFound:
            return True
        return not f.get_file_info(fs.FileSelector(self.root))

    def fetch(self, rel, dest):
        f, _ = self.fs()
        # compression=None: bytes as they are, a .gz stays compressed.
        with f.open_input_stream(f"{self.root}/{rel}", compression=None) as src, \
                open(dest, "wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)

    def store(self, src, rel):
        f, _ = self.fs()
        dest = f"{self.root}/{rel}"
        parent = dest.rsplit("/", 1)[0]
        f.create_dir(parent, recursive=True)
        tmp = f"{parent}/.{PREFIX}-{uuid.uuid4().hex}.tmp"
        with open(src, "rb") as data, f.open_output_stream(tmp, compression=None) as out:
            shutil.copyfileobj(data, out, 1 << 20)
        f.move(tmp, dest)


def tree(path):
    """A plain path is a local folder; anything with a scheme is a URI."""
    scheme = urlparse(path).scheme
    return LocalTree(path) if len(scheme) <= 1 else ArrowTree(path)


# --- batches -----------------------------------------------------------------

def batches(files, target):
    """Files in path order, cut into runs of about target bytes."""
    out, cur, size = [], [], 0
    for rel, n in sorted(files):
        if cur and size + n > target:
            out.append(cur)
            cur, size = [], 0
        cur.append(rel)
        size += n
    if cur:
        out.append(cur)
    return out


# --- the tasks ---------------------------------------------------------------

class BatchFailed(Exception):
    pass


def task_threads():
    from pyspark import TaskContext
    ctx = TaskContext.get()
    return str(ctx.cpus()) if ctx is not None else "1"


def stage_batch(job, rels, work):
    """Copies a batch into work/in/<the input folder's name>, so that
    logscrub's messages name a file as they would on one machine."""
    stage = os.path.join(work, "in", job["input"].name)
    for rel in rels:
        dest = os.path.join(stage, rel)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        job["input"].fetch(rel, dest)
    return stage


def run_logscrub(job, cmd, what, report=None):
    """Runs one logscrub with the key on stdin; returns its CPU seconds and
    peak RSS (KiB). A failure raises BatchFailed with logscrub's message, which names files
    and rules, never a value."""
    env = {k: v for k, v in os.environ.items() if k != "LOGSCRUB_KEY"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, input=job["key"], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0 and not (report and only_binaries(report, proc.returncode)):
        msg = proc.stderr.decode("utf-8", "replace").splitlines()
        msg = "; ".join(line.strip() for line in msg if line.strip())
        raise BatchFailed(f"{PREFIX}: {what}, logscrub exited with {proc.returncode}: {msg}")
    return cpu(after) - cpu(before), after.ru_maxrss


def learn_batch(job, index, rels):
    """Runs in a Spark task (stage 1 of --learn run): the learning pass over
    one batch. Returns the dictionary it wrote: keyed hashes, no values."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    work = tempfile.mkdtemp(prefix=f"{PREFIX}-")
    try:
        stage = stage_batch(job, rels, work)
        part = os.path.join(work, "batch.dict")
        cmd = [job["logscrub"], "learn", "-j", task_threads(), "--key-file", "/dev/stdin",
               *job["learn_args"], "-o", part, stage]
        used, rss = run_logscrub(job, cmd, f"learning batch {index} ({len(rels)} files)")
        with open(part, "rb") as f:
            data = f.read()
        done = resource.getrusage(resource.RUSAGE_SELF)
        return [(index, data, {"cpu": used, "task_cpu": cpu(done) - cpu(own), "rss_kib": rss})]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def merge_dictionaries(job, parts):
    """Runs in one Spark task: merges the batches' dictionaries with
    `logscrub learn` (a union; where two hold one hash under different
    labels, the run's rule order decides, as within one run)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    work = tempfile.mkdtemp(prefix=f"{PREFIX}-")
    try:
        cmd = [job["logscrub"], "learn", "-j", task_threads(), "--key-file", "/dev/stdin",
               *job["learn_args"]]
        for index, data in parts:
            path = os.path.join(work, f"batch-{index}.dict")
            with open(path, "wb") as f:
                f.write(data)
            cmd += ["--dictionary", path]
        merged = os.path.join(work, "merged.dict")
        used, rss = run_logscrub(job, cmd + ["-o", merged],
                                 f"merging the dictionaries of {len(parts)} batches")
        with open(merged, "rb") as f:
            data = f.read()
        done = resource.getrusage(resource.RUSAGE_SELF)
        return [(data, {"cpu": used, "task_cpu": cpu(done) - cpu(own), "rss_kib": rss})]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def redact_batch(job, index, rels, dictionary=None):
    """Runs in a Spark task: redacts one batch, returns what it wrote. With
    a dictionary (the merged one of --learn run, a broadcast of its bytes),
    the batch is redacted with --learn auto and that dictionary."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    work = tempfile.mkdtemp(prefix=f"{PREFIX}-")
    try:
        stage = stage_batch(job, rels, work)
        out = os.path.join(work, "out")
        report = os.path.join(work, "report.json")
        learn = ["--learn", "off"]
        if dictionary is not None:
            path = os.path.join(work, "run.dict")
            with open(path, "wb") as f:
                f.write(dictionary.value)
            learn = ["--learn", STAGE2_LEARN, "--dictionary", path]
        cmd = [job["logscrub"], "-q", "-j", task_threads(), *learn,
               "--key-file", "/dev/stdin", "--report", report,
               *job["args"], "-o", out + "/", stage]
        used, rss = run_logscrub(job, cmd, f"batch {index} ({len(rels)} files)", report)
        written = []
        for folder, _, files in os.walk(out):
            for name in files:
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, out)
                job["output"].store(path, rel)
                written.append(rel)
        done = resource.getrusage(resource.RUSAGE_SELF)
        stats = {
            "files": len(rels),
            "bytes": sum(os.path.getsize(os.path.join(stage, r)) for r in rels),
            "cpu": used,
            "task_cpu": cpu(done) - cpu(own),
            "rss_kib": rss,
        }
        return [(written, stats)]
    finally:
        shutil.rmtree(work, ignore_errors=True)


# The learning mode of stage 2 of --learn run. auto: the batch also learns on
# its own, so what the merged dictionary cannot find (a mention of a shape its
# candidates do not cut out) is still found within the batch, as in one run.
STAGE2_LEARN = "auto"


def cpu(usage):
    return usage.ru_utime + usage.ru_stime


def only_binaries(report, code):
    """Exit 3 because every file of the batch was binary and left out: on one
    machine those files are left out the same way, and that is no failure."""
    if code != 3:
        return False
    try:
        with open(report) as f:
            r = json.load(f)
    except (OSError, ValueError):
        return False
    t = r.get("totals", {})
    return (not r.get("errors") and t.get("failed") == 0 and t.get("files") == 0
            and t.get("left_out", 0) > 0
            and all(x.get("reason") == "binary" for x in r.get("left_out", [])))


# --- the driver --------------------------------------------------------------

def failure(e):
    """The recipe's message out of a failed job (a Py4JJavaError carries the
    task's traceback)."""
    lines = [l for l in str(e).splitlines() if f"{PREFIX}: " in l]
    return lines[0][lines[0].index(f"{PREFIX}: "):] if lines else f"{PREFIX}: the job failed"


def main(argv):
    a = parse_args(argv)
    with open(a.key_file, "rb") as f:
        key = f.read()
    if len(key) < 16:
        raise SystemExit(f"{PREFIX}: {a.key_file}: a key needs at least 16 bytes")

    from pyspark import SparkConf, SparkContext

    sc = SparkContext.getOrCreate(SparkConf().setAppName("logscrub"))
    try:
        src, dst = tree(a.input), tree(a.output)
        if type(src) is type(dst) and (dst.root + "/").startswith(src.root + "/"):
            raise SystemExit(f"{PREFIX}: {a.output}: is the input or inside it")
        if not dst.is_empty():
            raise SystemExit(f"{PREFIX}: {a.output}: exists and is not empty")
        todo = batches(src.list(), a.batch_bytes)
        job = {"input": src, "output": dst, "logscrub": a.logscrub,
               "args": a.logscrub_args, "learn_args": a.learn_args, "key": key}
        rdd = sc.parallelize(list(enumerate(todo)), max(1, len(todo)))
        learned = ""
        dictionary = None
        try:
            if a.learn == "run":
                # Stage 1: each batch's dictionary; then one task merges them.
                parts = rdd.flatMap(lambda b: learn_batch(job, b[0], b[1])).collect()
                pairs = [(i, d) for i, d, _ in parts]
                merged = sc.parallelize([pairs], 1).flatMap(
                    lambda ps: merge_dictionaries(job, ps)).collect()
                data, mstats = merged[0]
                dictionary = sc.broadcast(data)
                entries = max(0, data.count(b"\n") - 2)
                learned = (f"learning {sum(s['cpu'] for _, _, s in parts):.2f} s and merging "
                           f"{mstats['cpu']:.2f} s ({entries} values, {len(data)} bytes), ")
            results = rdd.flatMap(
                lambda b: redact_batch(job, b[0], b[1], dictionary)).collect()
        except Exception as e:
            print(failure(e), file=sys.stderr)
            return 3
        seen = {}
        for written, _ in results:
            for rel in written:
                if rel in seen:
                    print(f"{PREFIX}: two inputs were redacted to the same output name {rel}",
                          file=sys.stderr)
                    return 3
                seen[rel] = True
        stats = [s for _, s in results]
        print(f"{PREFIX}: {sum(s['files'] for s in stats)} files, "
              f"{sum(s['bytes'] for s in stats)} bytes in {len(stats)} tasks: "
              f"{len(seen)} written; logscrub CPU {learned}"
              f"{'redacting ' if learned else ''}{sum(s['cpu'] for s in stats):.2f} s "
              f"(the tasks' own {sum(s['task_cpu'] for s in stats):.2f} s), "
              f"peak RSS {max((s['rss_kib'] for s in stats), default=0) // 1024} MiB",
              file=sys.stderr)
        return 0
    finally:
        sc.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
