"""The two sets of statuses, each word written once.

End: how one QEMU run ended (what the kernel did). A spec's `end=` names
the End a test expects; make lab and make debug print its verdict.

Status: what a graded test came to (what the student sees in the report).
GRADER_ERROR is the grader's own fault (a broken spec): it costs the
student nothing it can be blamed for, and it is loud in every report and
in the exit status.
"""

import enum


class End(enum.Enum):
    """How a QEMU run ended: value = (name, what a spec expects, what happened, make lab's line)."""
    SUCCESS = ("success", "exit with the success code", "exited with the success code",
               "kernel exited: success")
    FAILURE = ("failure", "stop with the failure code (a report, then exception_stop or panic)",
               "stopped with the failure code",
               "kernel stopped with the failure code (a report or a panic above)")
    TRIPLE_FAULT = ("triple fault", "end in a triple fault", "ended in a triple fault",
                    "TRIPLE FAULT")
    RESET = ("reset", "reset", "reset without a triple fault",
             "QEMU stopped: the CPU reset or powered off without a triple fault")
    TIMEOUT = ("timeout", "keep running until the timeout", "ran until the timeout",
               "the kernel was still running when it was stopped")
    OUTPUT_LIMIT = ("output limit", "print without limit", "printed too much and was stopped",
                    "the kernel printed too much and was stopped")
    QEMU_ERROR = ("qemu error", "start", "did not start (QEMU refused it)",
                  "QEMU did not start the kernel")
    OTHER_EXIT = ("exit", "exit with another code", "exited with another code",
                  "kernel exited with another code")

    def __init__(self, label, expected, happened, verdict):
        self.label = label        # short, for logs
        self.expected = expected  # "expected the kernel to <expected>"
        self.happened = happened  # "; it <happened>"
        self.verdict = verdict    # make lab: "== <verdict>"

    def __str__(self):
        return self.label


# The ends a test may ask for (the others are only ever what went wrong).
EXPECTABLE = (End.SUCCESS, End.FAILURE, End.TRIPLE_FAULT, End.TIMEOUT)


class Status(str, enum.Enum):
    """A graded test's status, as printed."""
    OK = "OK"
    FAIL = "FAIL"
    TIMEOUT = "TIMEOUT"
    TRIPLE_FAULT = "TRIPLE FAULT"
    BUILD_ERROR = "BUILD ERROR"
    BUILD_TIMEOUT = "BUILD TIMEOUT"
    REFUSED = "REFUSED"          # the submission was not graded (a symlink, ...)
    OUTPUT_LIMIT = "OUTPUT LIMIT"
    QEMU_ERROR = "QEMU ERROR"
    GRADER_ERROR = "GRADER ERROR"

    def __str__(self):
        return self.value

    def __format__(self, spec):
        return format(self.value, spec)
