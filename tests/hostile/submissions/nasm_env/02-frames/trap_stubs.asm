; Attack: the grader's environment, read by NASM's %! and shown as an error.
%defstr LEAKED %!KGRADE_HOSTILE_SECRET
%error LEAKED
