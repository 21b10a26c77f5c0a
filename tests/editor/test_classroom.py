"""The GitHub Classroom workflow (.github/workflows/classroom.yml): it is
what make course-files writes from the specs, it has the shape Classroom
expects, its points are grade --list's, and each lab's command, run the way
the command grader action runs it, passes on a handout made from the
solutions and fails on the untouched handout.

The actions themselves are not fetched: their commands run here, under
/bin/sh with the action's environment (PATH, HOME and little else). To stay
cheap, a python3 shim first on PATH limits each grader run to the lab's
first test; the full grading of both trees is tests/e2e's job.
"""

import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
import unittest

from editor import helpers
from kgrade import spec

WORKFLOW = ".github/workflows/classroom.yml"
COMMAND_GRADER = "classroom-resources/autograding-command-grader@v1"
REPORTER = "classroom-resources/autograding-grading-reporter@v1"


def grade_list():
    """{lab: points} as `grader/grade --list` prints them."""
    run = subprocess.run([sys.executable, os.path.join(helpers.ROOT, "grader", "grade"), "--list"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return {int(n): float(p) for n, p in re.findall(r"(?m)^lab (\d+): .* \(([\d.]+) points\)$", run.stdout)}


def action_env(shim):
    """What autograding-command-grader gives a command: PATH, HOME, a few
    fixed variables, nothing else (its src/main.js)."""
    return {"PATH": shim + os.pathsep + os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/"),
            "FORCE_COLOR": "true", "DOTNET_CLI_HOME": "/tmp", "DOTNET_NOLOGO": "true"}


def run_step(command, cwd, env, minutes):
    """Runs one input of a step as the action does (execSync: /bin/sh -c)."""
    run = subprocess.run(["/bin/sh", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=minutes * 60, start_new_session=True)
    return run.returncode, run.stdout


class Workflow(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.data = helpers.load_yaml(WORKFLOW)
        cls.steps = cls.data["jobs"]["run-autograding-tests"]["steps"] if cls.data else []
        cls.graders = [s for s in cls.steps if s.get("uses") == COMMAND_GRADER]

    def setUp(self):
        if self.data is None:
            self.skipTest("PyYAML missing (python3-yaml: make deps)")

    def test_is_what_the_specs_make(self):
        run = subprocess.run([sys.executable, os.path.join(helpers.ROOT, "scripts", "make-course-files"),
                              "check"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertEqual(run.returncode, 0, run.stdout)

    def test_classroom_shape(self):
        self.assertEqual(sorted(self.data["on"]), ["push", "repository_dispatch"])
        self.assertEqual(self.data["permissions"], {"checks": "write", "actions": "read", "contents": "read"})
        job = self.data["jobs"]["run-autograding-tests"]
        self.assertEqual(job["if"], "github.actor != 'github-classroom[bot]'")
        self.assertEqual(self.steps[0]["uses"], "actions/checkout@v4")
        self.assertEqual(self.steps[-1]["uses"], REPORTER)

    def test_one_step_per_lab_worth_its_points(self):
        points = grade_list()
        self.assertEqual(sorted(points), spec.available_labs())
        self.assertEqual([s["id"] for s in self.graders], ["lab%d" % n for n in sorted(points)])
        for n, step in zip(sorted(points), self.graders):
            w = step["with"]
            self.assertEqual(w["max-score"], points[n], step["id"])
            self.assertTrue(w["test-name"].startswith("lab %d: " % n), w["test-name"])
            self.assertIsInstance(w["timeout"], int)
            self.assertTrue(5 <= w["timeout"] <= 60, w["timeout"])  # minutes
            self.assertIn("scripts/deps.sh", w["setup-command"])

    def test_reporter_reads_every_runner(self):
        reporter = self.steps[-1]
        ids = [s["id"] for s in self.graders]
        self.assertEqual(reporter["with"]["runners"].split(","), ids)
        for i in ids:
            # The reporter's rules: ids of letters and digits, results in <ID>_RESULTS.
            self.assertRegex(i, r"^[a-zA-Z0-9]+$")
            self.assertEqual(reporter["env"]["%s_RESULTS" % i.upper()], "${{steps.%s.outputs.result}}" % i)
        self.assertEqual(len(reporter["env"]), len(ids))

    def test_course_grader_checkout(self):
        """The course's grader goes where the commands look for it, and only
        when an instructor named it."""
        checkout = [s for s in self.steps if "COURSE_GRADER_REPO" in str(s.get("if", ""))]
        self.assertEqual(len(checkout), 1)
        self.assertEqual(checkout[0]["uses"], "actions/checkout@v4")
        path = checkout[0]["with"]["path"]
        for step in self.graders:
            self.assertIn("[ -d %s ]" % path, step["with"]["command"])


class Commands(unittest.TestCase):
    """Each lab's step, run on two handouts: made from the solutions (every
    command exits 0) and untouched (every command exits 1: failed, not broken)."""

    @classmethod
    def setUpClass(cls):
        data = helpers.load_yaml(WORKFLOW)
        if data is None:
            raise unittest.SkipTest("PyYAML missing (python3-yaml: make deps)")
        cls.steps = [s for s in data["jobs"]["run-autograding-tests"]["steps"]
                     if s.get("uses") == COMMAND_GRADER]
        first = {str(n): ["--test", spec.load_lab(n).tests[0].name, "--timeout-scale", "3", "--seed", "1"]
                 for n in spec.available_labs()}
        cls.env = action_env(helpers.python_shim(os.path.join(helpers.TREES, "shim"), first))
        with tempfile.TemporaryDirectory(prefix="editor-handout-") as tmp:
            made = helpers.make_handout(tmp)
            cls.trees = {"solutions": helpers.handout_tree("from-solutions", made,
                                                           os.path.join(helpers.ROOT, "solutions")),
                         "labs": helpers.handout_tree("untouched", made)}
        for tree in cls.trees.values():  # the packages are there already: this only checks
            status, out = run_step(cls.steps[0]["with"]["setup-command"], tree, cls.env, 10)
            if status != 0:
                raise AssertionError("the setup command failed in %s:\n%s" % (tree, out))
        jobs = [(name, step) for name in cls.trees for step in cls.steps]
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            results = pool.map(lambda job: run_step(job[1]["with"]["command"], cls.trees[job[0]], cls.env,
                                                    job[1]["with"]["timeout"]), jobs)
            cls.results = {(name, step["id"]): r for (name, step), r in zip(jobs, results)}

    def check(self, tree, status):
        for step in self.steps:
            got, out = self.results[(tree, step["id"])]
            self.assertEqual(got, status, "%s on the %s handout:\n%s" % (step["id"], tree, out[-3000:]))
            self.assertRegex(out, r"(?m)^Score: ", out[-3000:])

    def test_solutions_pass(self):
        self.check("solutions", 0)

    def test_untouched_labs_fail(self):
        self.check("labs", 1)

    def test_course_grader_grades_the_student_labs(self):
        """With .course-grader/ checked out, its grader runs, on the labs of
        the student's checkout (here: the untouched handout's grader on the
        solutions' labs)."""
        student = self.trees["solutions"]
        course = os.path.join(student, ".course-grader")
        os.symlink(self.trees["labs"], course)
        try:
            step = self.steps[0]
            status, out = run_step(step["with"]["command"], student, self.env, step["with"]["timeout"])
        finally:
            os.remove(course)
        self.assertEqual(status, 0, out[-3000:])
        built = os.listdir(os.path.join(self.trees["labs"], "build"))
        self.assertTrue([b for b in built if b.startswith("tree-") and "from-solutions" in b], built)


if __name__ == "__main__":
    unittest.main()
