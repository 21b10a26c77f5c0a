"""What a submission is and what the grader takes from it: the one rule
for batch grading (grade --submissions), Gradescope (run_autograder) and
the handout's own make grade.

- An entry of the submissions folder is a student: a folder, or an archive
  (.zip, .tar, .tar.gz, .tgz) unpacked safely (size and file-count limits;
  no absolute or `..` paths, no links). Any other file is reported, not
  skipped in silence.
- Its lab folders are at its top or under labs/, directly or inside one
  enclosing folder (a repository uploaded as a zip).
- From each lab folder the grader takes the handout's files and any other
  .c, .h or .asm file (a student's own helper file is built with the lab,
  as make grade builds it); nothing else.
- A symbolic link on the way to a lab file refuses the submission.
- A git repository can be graded at its last commit before a date.
"""

import hashlib
import os
import shutil
import stat
import subprocess
import tarfile
import zipfile

from . import labs
from . import sandbox as sandboxes

ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz")
ARCHIVE_BYTES = 64 << 20   # unpacked size of one archive, at most
ARCHIVE_FILES = 5000       # entries of one archive, at most
EXTRA_SUFFIXES = (".c", ".h", ".asm")
EXTRA_BYTES = 1 << 20      # one extra file, at most


class Refused(Exception):
    """A submission the grader will not read (a symbolic link, ...): one line why."""


def handout_files(root=labs.ROOT):
    """{lab folder: [file names]} of the student tree (labs/)."""
    out = {}
    for folder in labs.lab_dirs(root).values():
        path = os.path.join(root, "labs", folder)
        if os.path.isdir(path):
            out[folder] = sorted(f for f in os.listdir(path) if os.path.isfile(os.path.join(path, f)))
    return out


def archive_stem(name):
    """The student name of an archive entry ('alice' for alice.tar.gz), or None."""
    for suffix in sorted(ARCHIVES, key=len, reverse=True):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return None


# ---- archives ------------------------------------------------------------------

def _safe_member(name):
    """Refused unless an archive member's name stays inside the archive."""
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
        raise Refused("the archive holds a path outside itself: %s" % name)


def unpack(archive, dest):
    """Unpacks a .zip or tar archive into dest, refusing links, devices,
    paths that leave dest, and archives past ARCHIVE_BYTES or ARCHIVE_FILES."""
    os.makedirs(dest, exist_ok=True)
    total = 0
    try:
        if archive.endswith(".zip"):
            with zipfile.ZipFile(archive) as z:
                members = z.infolist()
                if len(members) > ARCHIVE_FILES:
                    raise Refused("the archive holds more than %d files" % ARCHIVE_FILES)
                for m in members:
                    _safe_member(m.filename)
                    mode = m.external_attr >> 16
                    if stat.S_ISLNK(mode):
                        raise Refused("the archive holds a symbolic link: %s" % m.filename)
                    total += m.file_size
                    if total > ARCHIVE_BYTES:
                        raise Refused("the archive unpacks to more than %d MB" % (ARCHIVE_BYTES >> 20))
                for m in members:
                    target = os.path.join(dest, m.filename)
                    if m.is_dir():
                        os.makedirs(target, exist_ok=True)
                        continue
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with z.open(m) as src, open(target, "wb") as out:
                        shutil.copyfileobj(src, out, 1 << 16)
        else:
            with tarfile.open(archive) as t:
                members = t.getmembers()
                if len(members) > ARCHIVE_FILES:
                    raise Refused("the archive holds more than %d files" % ARCHIVE_FILES)
                for m in members:
                    _safe_member(m.name)
                    if not (m.isfile() or m.isdir()):
                        raise Refused("the archive holds a link or a device: %s" % m.name)
                    total += m.size
                    if total > ARCHIVE_BYTES:
                        raise Refused("the archive unpacks to more than %d MB" % (ARCHIVE_BYTES >> 20))
                for m in members:
                    target = os.path.join(dest, m.name)
                    if m.isdir():
                        os.makedirs(target, exist_ok=True)
                        continue
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    with t.extractfile(m) as src, open(target, "wb") as out:
                        shutil.copyfileobj(src, out, 1 << 16)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as e:
        raise Refused("the archive cannot be read: %s" % e) from None


# ---- git ---------------------------------------------------------------------------

def _git(repo, args, sandbox, timeout=60):
    """A git command on a student's repository, in the sandbox, with no
    configuration but the repository's own core settings read."""
    cmd = ["git", "-c", "safe.directory=*", "-c", "core.fsmonitor=", "-C", repo] + args
    argv = sandbox.wrap(cmd, readable=[repo])
    env = dict(sandbox.env() or os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null",
               HOME="/nonexistent", GIT_TERMINAL_PROMPT="0")
    return subprocess.run(argv, capture_output=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL)


def git_head(repo, sandbox):
    """The commit a git repository's HEAD names, or None."""
    if not os.path.isdir(os.path.join(repo, ".git")):
        return None
    r = _git(repo, ["rev-parse", "HEAD"], sandbox)
    return r.stdout.decode().strip() or None if r.returncode == 0 else None


def git_snapshot(repo, when, dest, sandbox):
    """Exports the last commit of repo before `when` (any date git reads)
    into dest. Returns {commit, commit_time, late_commits}; Refused if the
    repository has no commit before then."""
    r = _git(repo, ["rev-list", "-1", "--before=" + when, "HEAD"], sandbox)
    commit = r.stdout.decode().strip()
    if r.returncode != 0 or not commit:
        raise Refused("no commit before %s" % when)
    late = _git(repo, ["rev-list", "--count", "--since=" + when, "HEAD"], sandbox).stdout.decode().strip()
    when_done = _git(repo, ["log", "-1", "--format=%cI", commit], sandbox).stdout.decode().strip()
    tar = os.path.join(os.path.dirname(dest), "snapshot.tar")
    with open(tar, "wb") as out:
        r = subprocess.run(sandbox.wrap(["git", "-c", "safe.directory=*", "-C", repo, "archive", "--format=tar",
                                         commit], readable=[repo]),
                           stdout=out, stderr=subprocess.PIPE, timeout=120, env=dict(
                               sandbox.env() or os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null"))
    if r.returncode != 0:
        raise Refused("git archive failed: %s" % r.stderr.decode(errors="replace").strip()[-200:])
    unpack(tar, dest)
    os.remove(tar)
    return {"commit": commit, "commit_time": when_done, "late_commits": int(late or 0)}


# ---- the tree a submission is graded from -------------------------------------------------

def _no_link(path, top):
    """Refused if path, or a folder between top and it, is a symbolic link."""
    rel = os.path.relpath(path, top)
    here = top
    for part in [] if rel == "." else rel.split(os.sep):
        here = os.path.join(here, part)
        if os.path.islink(here):
            raise Refused("%s is a symbolic link (to %s): links are not graded" % (
                os.path.relpath(here, top), os.readlink(here)))


def _holds_labs(folder, root):
    dirs = labs.lab_dirs(root).values()
    return any(os.path.lexists(os.path.join(folder, d)) or os.path.lexists(os.path.join(folder, "labs", d))
               for d in dirs)


def find_lab_root(submission, root=labs.ROOT):
    """The folder holding the submission's lab folders (or their labs/): the
    submission itself, or its one enclosing folder. None if there is none.
    Refused if the way there is a symbolic link."""
    if os.path.islink(submission):
        raise Refused("the submission is a symbolic link (to %s): links are not graded"
                      % os.readlink(submission))
    if _holds_labs(submission, root):
        return submission
    inside = [e for e in sorted(os.listdir(submission)) if not e.startswith(".")
              and os.path.isdir(os.path.join(submission, e))]
    if len(inside) == 1 and _holds_labs(os.path.join(submission, inside[0]), root):
        _no_link(os.path.join(submission, inside[0]), submission)
        return os.path.join(submission, inside[0])
    return None


def _wanted(name, handout):
    """Is a file of a student's lab folder taken? The handout's files, and
    the student's own .c/.h/.asm files."""
    return name in handout or (name.endswith(EXTRA_SUFFIXES) and not name.startswith("."))


def pristine_tree(submission, dest, root=labs.ROOT):
    """Builds dest/ from labs/ plus the submission's lab files (the
    handout's, and extra .c/.h/.asm files). Returns the list of files taken,
    as 'NN-name/file'. Refused (nothing taken) if a symbolic link is on the
    way to any of them or an extra file is too large."""
    taken = []
    shutil.copytree(os.path.join(root, "labs"), dest)
    top = find_lab_root(submission, root)
    if top is None:
        return taken
    for folder, files in handout_files(root).items():
        for base in (os.path.join(top, "labs", folder), os.path.join(top, folder)):
            if not os.path.lexists(base):
                continue
            _no_link(base, submission)
            if not os.path.isdir(base):
                continue
            for name in sorted(os.listdir(base)):
                src = os.path.join(base, name)
                if not _wanted(name, files):
                    continue
                if os.path.islink(src):
                    _no_link(src, submission)
                if not os.path.isfile(src):
                    continue
                if name not in files and os.path.getsize(src) > EXTRA_BYTES:
                    raise Refused("%s/%s is larger than %d KB" % (folder, name, EXTRA_BYTES >> 10))
                shutil.copyfile(src, os.path.join(dest, folder, name))
                taken.append(os.path.join(folder, name))
            break
    return taken


def extras(taken, root=labs.ROOT):
    """The files taken that the handout does not have (a student's own)."""
    handout = handout_files(root)
    return [t for t in taken if os.path.basename(t) not in handout.get(os.path.dirname(t), [])]


def content_hash(tree, taken):
    """sha256 of the names and contents of the files taken: what a regrade
    compares to know it grades the same submission."""
    h = hashlib.sha256()
    for rel in sorted(taken):
        h.update(rel.encode() + b"\0")
        with open(os.path.join(tree, rel), "rb") as f:
            h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def labs_present(taken):
    """The lab folders the submission held files of."""
    return sorted({os.path.dirname(t) for t in taken})


def protected_paths(base=None, submissions_dir=None, root=labs.ROOT, tree=None):
    """What the user layer makes unreadable while grading: the reference
    labs, the project's tests and the specs, the base tree (the builds read
    a copy of the labs they need), the other submissions (a student's files
    are graded from a copy). Never the tree being graded itself."""
    paths = [os.path.join(root, p) for p in ("solutions", "tests", os.path.join("grader", "labs"))]
    if base and base != "labs":
        paths.append(labs.tree_dir(base, root))
    if submissions_dir:
        paths.append(os.path.abspath(submissions_dir))
    graded = os.path.realpath(labs.tree_dir(tree, root)) if tree else None
    return [p for p in paths if os.path.realpath(p) != graded]


def entries(directory):
    """(students, stray files) of a submissions folder: a student is a
    folder (or a link: refused later) or an archive, named after it."""
    students, stray = {}, []
    for name in sorted(os.listdir(directory)):
        if name.startswith("."):
            continue
        path = os.path.join(directory, name)
        if os.path.isdir(path) or os.path.islink(path):
            students[name] = path
        elif archive_stem(name):
            stem = archive_stem(name)
            if stem in students:
                stray.append("%s (a folder named %s is graded instead)" % (name, stem))
            else:
                students[stem] = path
        else:
            stray.append(name)
    return students, stray


def materialize(path, scratch, sandbox=None, at=None):
    """The folder to take a student's files from: path itself, an archive
    unpacked in scratch, or a git repository's last commit before `at`.
    Returns (folder, facts) with facts {kind, commit, commit_time, late_commits}."""
    sandbox = sandbox or sandboxes.Sandbox(sandboxes.NONE)
    facts = {"kind": "folder"}
    if not os.path.islink(path) and os.path.isfile(path):
        folder = os.path.join(scratch, "unpacked")
        unpack(path, folder)
        return folder, {"kind": "archive"}
    if not os.path.islink(path) and os.path.isdir(os.path.join(path, ".git")):
        facts["kind"] = "git"
        if at:
            folder = os.path.join(scratch, "snapshot")
            facts.update(git_snapshot(path, at, folder, sandbox))
            return folder, facts
        facts["commit"] = git_head(path, sandbox)
    return path, facts
