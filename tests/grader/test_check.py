"""The matcher (kgrade.check): ordered expectations, named captures,
forbidden patterns, how a run must end, value checks, and QEMU's log as
the witness. Runs are stand-ins or recordings from data/; nothing boots."""

import unittest

from grader.helpers import FakeSymbols, Recorded, lab_test, make_test, result
from kgrade import check, qemu, runner, spec

BANNER = "lab kernel: stage 9 (scratch)\n"


def evaluate(test, status=qemu.SUCCESS, text="", seed=5, symbols=None, log_path=None, **kw):
    return check.evaluate(test, result(status, BANNER + text, log_path=log_path, **kw), seed,
                          symbols or FakeSymbols())


class OrderedExpectations(unittest.TestCase):
    def run_match(self, expect, text):
        test = make_test(expect=expect)
        run = check.Run(test, 1, FakeSymbols(), text, None, None)
        return check.match_expectations(test, run), run

    def test_in_order_matches(self):
        problem, _ = self.run_match([r"^one$", r"^two$"], "one\ntwo\n")
        self.assertIsNone(problem)

    def test_out_of_order_fails_and_names_the_pattern(self):
        problem, _ = self.run_match([r"^one$", r"^two$"], "two\none\nthree\n")
        self.assertIsNotNone(problem)
        self.assertIn("expected /^two$/", problem)
        self.assertIn("after: one", problem)        # where the search started
        self.assertIn("three", problem)             # what came instead

    def test_one_line_satisfies_one_expectation_only(self):
        # The same pattern twice needs two occurrences.
        self.assertIsNone(self.run_match(["ping", "ping"], "ping\nping\n")[0])
        self.assertIsNotNone(self.run_match(["ping", "ping"], "ping\n")[0])

    def test_anchors_work_per_line(self):
        self.assertIsNone(self.run_match([r"^b$"], "a\nb\nc\n")[0])
        self.assertIsNotNone(self.run_match([r"^b$"], "a b c\n")[0])

    def test_nothing_printed(self):
        problem, _ = self.run_match([r"^x$"], "")
        self.assertIn("(start of output)", problem)
        self.assertIn("(nothing)", problem)

    def test_named_captures(self):
        problem, run = self.run_match(
            [r"^RIP: (?P<rip>0x[0-9a-f]+)$", r"^count (?P<n>\d+)$"],
            "RIP: 0x1234\ncount 42\n")
        self.assertIsNone(problem)
        self.assertEqual(run.hex("rip"), 0x1234)
        self.assertEqual(run.int("n"), 42)

    def test_later_capture_wins_and_unmatched_groups_are_skipped(self):
        problem, run = self.run_match(
            [r"^v=(?P<v>\d+)$", r"^v=(?P<v2>\d+)(?: w=(?P<v>\d+))?$"],
            "v=1\nv=2\n")
        self.assertIsNone(problem)
        self.assertEqual(run.v, {"v": "1", "v2": "2"})  # the optional group did not erase v

    def test_missing_value_is_a_check_failure(self):
        _, run = self.run_match([], "")
        with self.assertRaises(check.CheckFailed):
            run.hex("cr2")


class KernelText(unittest.TestCase):
    def test_drops_loader_output_and_terminal_codes(self):
        raw = "\x1b[H\x1b[J\x1b[1;1HGRUB loading...\nEXCEPTION: fake\n" + BANNER + "\x1b[0mhello\n"
        text = check.kernel_text(raw)
        self.assertTrue(text.startswith("lab kernel: stage"))
        self.assertNotIn("EXCEPTION: fake", text)  # GRUB's part cannot satisfy an expectation
        self.assertNotIn("\x1b", text)

    def test_all_of_it_without_a_banner(self):
        self.assertEqual(check.kernel_text("no banner here\n"), "no banner here\n")


class EndStates(unittest.TestCase):
    def test_pass_scores_the_points(self):
        o = evaluate(make_test(points=7, expect=[r"^hi$"]), text="hi\n")
        self.assertEqual((o.status, o.score, o.message), (check.OK, 7, ""))

    def test_wrong_end(self):
        o = evaluate(make_test(expect=[r"^hi$"]), qemu.FAILURE, "hi\n")
        self.assertEqual((o.status, o.score), (check.FAIL, 0))
        self.assertIn("expected the kernel to exit with the success code", o.message)
        self.assertIn("stopped with the failure code", o.message)

    def test_expected_failure_code(self):
        o = evaluate(make_test(end=spec.FAILURE, expect=[r"^report$"]), qemu.FAILURE, "report\n")
        self.assertEqual(o.status, check.OK)
        o = evaluate(make_test(end=spec.FAILURE), qemu.SUCCESS, "")
        self.assertEqual(o.status, check.FAIL)

    def test_other_exit_code_is_named(self):
        o = evaluate(make_test(), qemu.OTHER_EXIT, "", kernel_code=0x42)
        self.assertEqual(o.status, check.FAIL)
        self.assertIn("exited with code 0x42", o.message)

    def test_reset_without_triple_fault(self):
        o = evaluate(make_test(), qemu.RESET, "")
        self.assertEqual(o.status, check.FAIL)
        self.assertIn("reset without a triple fault", o.message)

    def test_timeout(self):
        o = evaluate(make_test(expect=[r"^hi$"]), qemu.TIMEOUT, "hi\nstill going\n")
        self.assertEqual((o.status, o.score), (check.TIMEOUT, 0))
        self.assertIn("still going", o.message)  # the last output, to see where it hung

    def test_timeout_as_the_expected_end(self):
        o = evaluate(make_test(end=spec.TIMEOUT, expect=[r"^spinning$"]), qemu.TIMEOUT, "spinning\n")
        self.assertEqual(o.status, check.OK)

    def test_boot_loader_error(self):
        grub = "\x1b[H\x1b[Jerror: no multiboot header found.\nerror: you need to load the kernel first.\ngrub> "
        o = check.evaluate(make_test(), result(qemu.TIMEOUT, grub), 1, FakeSymbols())
        self.assertEqual((o.status, o.score), (check.QEMU_ERROR, 0))
        self.assertIn("error: no multiboot header found.", o.message)
        # Once the kernel is up, an "error:" line is the kernel's own business.
        o = evaluate(make_test(), qemu.TIMEOUT, "error: something\n")
        self.assertEqual(o.status, check.TIMEOUT)

    def test_output_limit(self):
        o = evaluate(make_test(max_serial=4096), qemu.OUTPUT_LIMIT, "x" * 100)
        self.assertEqual((o.status, o.score), (check.OUTPUT_LIMIT, 0))
        self.assertIn("4096", o.message)

    def test_qemu_error_shows_qemu_message(self):
        o = evaluate(make_test(), qemu.QEMU_ERROR, "", stderr="qemu: could not load kernel\n")
        self.assertEqual((o.status, o.score), (check.QEMU_ERROR, 0))
        self.assertIn("could not load kernel", o.message)

    def test_triple_fault_is_explained_from_the_log(self):
        rec = Recorded("write_text")
        o = check.evaluate(make_test(expect=[r"never"]), rec.result(), 1, rec.symbols)
        self.assertEqual((o.status, o.score), (check.TRIPLE, 0))
        self.assertRegex(o.message, r"#PF at RIP 0x[0-9a-f]+ <scenario_write_text\+0x[0-9a-f]+>")
        self.assertIn("CR2 %#x" % (rec.sym("__text_start") + 0x10), o.message)
        self.assertIn("CPU reset (triple fault)", o.message)
        self.assertIn("writing to .text", o.message)  # the last output

    def test_triple_fault_as_the_expected_end(self):
        rec = Recorded("write_text")
        test = make_test(end=spec.TRIPLE_FAULT, expect=[r"^writing to \.text at (?P<p>0x[0-9a-f]+)$"])
        o = check.evaluate(test, rec.result(), 1, rec.symbols)
        self.assertEqual(o.status, check.OK, o.message)


class Forbidden(unittest.TestCase):
    def test_panic_is_forbidden_by_default(self):
        o = evaluate(make_test(expect=[r"^hi$"]), text="hi\nKERNEL PANIC: oops\n")
        self.assertEqual((o.status, o.score), (check.FAIL, 0))
        self.assertIn("forbidden output /KERNEL PANIC/: KERNEL PANIC: oops", o.message)

    def test_unknown_scenario_is_forbidden_by_default(self):
        o = evaluate(make_test(), text="unknown scenario 'x'; known scenarios:\n")
        self.assertEqual(o.status, check.FAIL)

    def test_own_forbid_list_replaces_the_default(self):
        test = make_test(forbid=[r"^bad$"])
        self.assertEqual(evaluate(test, text="KERNEL PANIC: allowed here\n").status, check.OK)
        self.assertEqual(evaluate(test, text="fine\nbad\n").status, check.FAIL)


class ValueChecks(unittest.TestCase):
    def test_equal_reports_expected_and_got_in_hex(self):
        test = make_test(expect=[r"^CR2: (?P<cr2>0x[0-9a-f]+)$"],
                         check=lambda r: r.equal(r.hex("cr2"), 0xdeadbeef, "CR2"))
        self.assertEqual(evaluate(test, text="CR2: 0xdeadbeef\n").status, check.OK)
        o = evaluate(test, text="CR2: 0xdeadbeee\n")
        self.assertEqual((o.status, o.score), (check.FAIL, 0))
        self.assertEqual(o.message, "CR2: expected 0xdeadbeef, got 0xdeadbeee")

    def test_every_problem_is_listed(self):
        def both(r):
            r.equal(r.int("a"), 1, "a")
            r.require(r.int("b") == 2, "b must be 2")
        test = make_test(expect=[r"^a=(?P<a>\d+) b=(?P<b>\d+)$"], check=both)
        o = evaluate(test, text="a=3 b=4\n")
        self.assertEqual(o.message.splitlines(), ["a: expected 0x1, got 0x3", "b must be 2"])

    def test_values_from_the_seed(self):
        test = make_test(expect=[r"^n=(?P<n>\d+)$"],
                         check=lambda r: r.equal(r.int("n"), r.seed * 3, "n"))
        self.assertEqual(evaluate(test, text="n=15\n", seed=5).status, check.OK)
        self.assertEqual(evaluate(test, text="n=15\n", seed=6).status, check.FAIL)

    def test_values_from_the_symbols(self):
        syms = FakeSymbols({"handler": (0x101000, 0x20)})
        test = make_test(expect=[r"^at (?P<a>0x[0-9a-f]+)$"],
                         check=lambda r: r.equal(r.hex("a"), r.sym["handler"], "handler"))
        self.assertEqual(evaluate(test, text="at 0x101000\n", symbols=syms).status, check.OK)
        o = evaluate(test, text="at 0x101000\n", symbols=FakeSymbols())
        self.assertEqual(o.status, check.FAIL)
        self.assertIn("'handler'", o.message)  # a missing symbol says which

    def test_missing_capture_and_unreadable_value(self):
        missing = make_test(check=lambda r: r.hex("nothing"))
        self.assertIn("no value for 'nothing'", evaluate(missing, text="x\n").message)
        garbled = make_test(expect=[r"^v=(?P<v>\S+)$"], check=lambda r: r.hex("v"))
        o = evaluate(garbled, text="v=zz\n")
        self.assertEqual(o.status, check.FAIL)
        self.assertIn("could not read a value", o.message)

    def test_all_and_count(self):
        seen = {}

        def look(r):
            seen["all"] = r.all(r"^x=(?P<x>\d)$")
            seen["count"] = r.count(r"^x=")
        evaluate(make_test(check=look), text="x=1\nx=2\ny=3\n")
        self.assertEqual(seen, {"all": [{"x": "1"}, {"x": "2"}], "count": 2})


class CapturedValues(unittest.TestCase):
    def test_values_reach_the_result(self):
        # --verbose prints them for passing tests.
        t = make_test(expect=[r"^n=(?P<n>\d+)$"])
        r = runner.TestResult(t, evaluate(t, text="n=4\n", seed=3))
        self.assertEqual((r.status, r.values, r.seed), (check.OK, {"n": "4"}, 3))


class Witness(unittest.TestCase):
    """QEMU's log is the second witness: the text alone scores nothing."""

    def test_real_breakpoint_passes_lab1(self):
        rec = Recorded("int3_ok")
        test = lab_test(1, "breakpoint")
        o = check.evaluate(test, rec.result(), 1, rec.symbols)
        self.assertEqual((o.status, o.score), (check.OK, test.points), o.message)

    def test_same_text_without_the_exception_scores_zero(self):
        # The serial text of the real run, but QEMU's log of a run that
        # took no breakpoint (it never reached an IDT).
        ok, other = Recorded("int3_ok"), Recorded("write_text")
        test = lab_test(1, "breakpoint")
        o = check.evaluate(test, ok.result(log_path=other.log_path), 1, ok.symbols)
        self.assertEqual((o.status, o.score), (check.FAIL, 0))
        self.assertIn("QEMU's log shows no vector 3", o.message)

    def test_no_log_at_all_scores_zero(self):
        rec = Recorded("int3_ok")
        o = check.evaluate(lab_test(1, "breakpoint"), result(qemu.SUCCESS, rec.serial), 1, rec.symbols)
        self.assertEqual(o.status, check.FAIL)

    def test_witness_fields_must_match(self):
        rec = Recorded("write_text")
        cr2 = rec.sym("__text_start") + 0x10
        for kw, ok in ((dict(error=3, cr2=cr2), True), (dict(error=2), False),
                       (dict(cr2=cr2 + 1), False)):
            test = make_test(end=spec.TRIPLE_FAULT, check=lambda r, kw=kw: r.witness(14, **kw))
            o = check.evaluate(test, rec.result(), 1, rec.symbols)
            self.assertEqual(o.status == check.OK, ok, (kw, o.message))

    def test_only_the_kernels_own_exceptions_count(self):
        rec = Recorded("write_text")
        outside = FakeSymbols(kernel_range=(0x400000, 0x500000))
        test = make_test(end=spec.TRIPLE_FAULT, check=lambda r: r.witness(14))
        self.assertEqual(check.evaluate(test, rec.result(), 1, rec.symbols).status, check.OK)
        self.assertEqual(check.evaluate(test, rec.result(), 1, outside).status, check.FAIL)


if __name__ == "__main__":
    unittest.main()


class Diagnosis(unittest.TestCase):
    """check.diagnosis: what a failure message adds below the output's tail."""

    REPORT = ("EXCEPTION: DIVIDE ERROR (#DE, vector 0)\n"
              "RIP: 0018:0x000000000010250b <f+0x1a>\n"
              "RSP: 0010:0x000000000010bf60 EFLAGS: 0x00000046\n")

    def test_nothing_to_add_to_a_plain_report(self):
        self.assertEqual(check.diagnosis(self.REPORT), "")
        self.assertEqual(check.diagnosis("no reports here\n"), "")

    def test_a_repeating_fault_is_named(self):
        d = check.diagnosis(self.REPORT * 8)
        self.assertIn("keeps coming back at RIP 0x000000000010250b", d)
        self.assertIn("returned to a fault without fixing its cause", d)

    def test_a_report_with_a_data_selector_as_cs_points_at_the_frame(self):
        d = check.diagnosis(self.REPORT.replace("RIP: 0018", "RIP: 0046"))
        self.assertIn("CS=0x0046", d)
        self.assertIn("trap frame was read at the wrong offsets", d)

    def test_the_last_report_is_shown_when_the_tail_hides_it(self):
        d = check.diagnosis(self.REPORT + "".join("line %d\n" % i for i in range(20)))
        self.assertIn("last report: EXCEPTION: DIVIDE ERROR (#DE, vector 0); RIP: 0018:", d)
        self.assertNotIn("last report", check.diagnosis(self.REPORT + "one more line\n"))
