"""Shared helpers of the editor and CI tests: the committed course files,
handout trees that keep their builds between runs, and YAML."""

import json
import os
import shutil
import subprocess
import sys

from kgrade import labs

ROOT = labs.ROOT
TREES = os.path.join(ROOT, "build", "tests", "editor")  # kept: their stage builds are cached


def course_file(rel):
    """The text of a committed file of make course-files."""
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def load_json(rel):
    return json.loads(course_file(rel))


def load_yaml(rel):
    """A YAML file as Python data, with PyYAML (Debian's python3-yaml, which
    /usr/bin/python3 has even when the python3 running the tests does not);
    None when neither has it."""
    path = os.path.join(ROOT, rel)
    try:
        import yaml
    except ImportError:
        if not os.path.exists("/usr/bin/python3"):
            return None
        run = subprocess.run(["/usr/bin/python3", "-c", "import json, sys, yaml; "
                              "json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)", path],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        return json.loads(run.stdout) if run.returncode == 0 else None
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def make_handout(out):
    """make handout into out; returns the handout folder (out/handout)."""
    run = subprocess.run(["sh", os.path.join(ROOT, "scripts", "make-handout.sh")],
                         env=dict(os.environ, PACKAGE_OUT=out), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True)
    if run.returncode != 0:
        raise AssertionError("make-handout.sh failed:\n" + run.stdout)
    return os.path.join(out, "handout")


def handout_tree(name, handout, labs_from=None):
    """build/tests/editor/<name>: a copy of a handout folder (make_handout),
    its labs/ from labs_from (a tree of lab folders) if given. The copy's
    own build/ is kept from the last run: same paths and contents, so the
    grader's content-keyed stage builds are reused. Copies keep the files'
    times, so make finds the objects up to date too."""
    dest = os.path.join(TREES, name)
    os.makedirs(dest, exist_ok=True)
    for entry in os.listdir(dest):
        if entry != "build":
            path = os.path.join(dest, entry)
            shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)
    shutil.copytree(handout, dest, dirs_exist_ok=True, symlinks=True)
    if labs_from:
        for folder in labs.lab_dirs().values():
            shutil.rmtree(os.path.join(dest, "labs", folder), ignore_errors=True)
            shutil.copytree(os.path.join(labs_from, folder), os.path.join(dest, "labs", folder))
    return dest


def python_shim(folder, extra_args):
    """folder/python3: the real interpreter, with extra_args(argv) added to a
    grader run's arguments. Put first on PATH, it changes what a command
    line does without changing the command line."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "python3")
    with open(os.path.join(folder, "extra.json"), "w") as f:
        json.dump(extra_args, f)
    with open(path, "w") as f:
        f.write("#!%s\n" % sys.executable
                + "import json, os, sys\n"
                + "args = sys.argv[1:]\n"
                + "if args and args[0].endswith('grader/grade'):\n"
                + "    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'extra.json')) as f:\n"
                + "        args += json.load(f).get(args[1], [])\n"
                + "os.execv(%r, [%r] + args)\n" % (sys.executable, sys.executable))
    os.chmod(path, 0o755)
    return folder
