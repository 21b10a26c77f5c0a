; Attack: a build that never ends.
%rep 2000000000
	nop
%endrep
