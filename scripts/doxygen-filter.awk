# doxygen-filter.awk - Doxygen's input filter (docs/Doxyfile: FILTER_PATTERNS).
#
#   awk -f scripts/doxygen-filter.awk FILE     prints FILE as Doxygen should read it
#
# Our pages and comments name exceptions the way the manuals do: #PF, #DF.
# To Doxygen, "#PF" is a request for a link to a symbol PF, and an error
# when there is none. This filter escapes such mnemonics (\#PF), except
# where Doxygen shows text as written: Markdown code spans and fences, code
# blocks in comments, and "double-quoted text" (there a \# would show its
# backslash). In Markdown it
# also spells two things a git host renders but Doxygen leaves as text:
# **bold** that starts with a mnemonic or a code span (as <b>...</b>), and
# emphasis inside a word, IST*n* (as <em>). Lines stay one for one, so
# Doxygen's warnings point at the right line of the real file.

FNR == 1 {
	md = FILENAME ~ /\.md$/
	fence = code = quoted = incode = blank = 0
}

# "#XX" or "#XXX" (capitals), not inside a word, an entity (&#...) or after
# a backslash: escaped.
function esc(s,    out, before, after) {
	out = ""
	while (match(s, /#[A-Z][A-Z][A-Z]?/)) {
		before = RSTART > 1 ? substr(s, RSTART - 1, 1) : ""
		after = substr(s, RSTART + RLENGTH, 1)
		out = out substr(s, 1, RSTART - 1)
		if (before !~ /[A-Za-z0-9_&\\]/ && after !~ /[A-Za-z0-9_]/)
			out = out "\\"
		out = out substr(s, RSTART, RLENGTH)
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}

# Emphasis inside a word: IST*n* -> IST<em>n</em>.
function emph(s,    out) {
	out = ""
	while (match(s, /[A-Za-z0-9]\*[A-Za-z0-9][^* ]*\*/)) {
		out = out substr(s, 1, RSTART) "<em>" substr(s, RSTART + 2, RLENGTH - 3) "</em>"
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}

# Prose outside double quotes is escaped; the quote state runs on across
# lines (it is reset at each paragraph in Markdown, each line elsewhere).
function unquoted(s,    n, part, i, out) {
	n = split(s, part, "\"")
	out = ""
	for (i = 1; i <= n; i++) {
		if (i > 1) {
			out = out "\""
			quoted = !quoted
		}
		out = out (quoted ? part[i] : md ? emph(esc(part[i])) : esc(part[i]))
	}
	return out
}

# **\#DF** and **`code` text** -> <b>...</b>.
function bold(s,    out, i, k, j) {
	out = ""
	for (;;) {
		i = index(s, "**\\#")
		k = index(s, "**`")
		if (k > 0 && (i == 0 || k < i))
			i = k
		if (i == 0 || (j = index(substr(s, i + 3), "**")) == 0)
			break
		out = out substr(s, 1, i - 1) "<b>" substr(s, i + 2, j) "</b>"
		s = substr(s, i + j + 4)
	}
	return out s
}

# In a comment, lines indented by four more spaces after an empty line
# (" *     #PF: ...") are a code block to Doxygen: as written.
!md {
	indented = $0 ~ /^[ \t]*\*[ \t][ \t][ \t][ \t][ \t]/
	incode = indented && (incode || blank)
	blank = $0 ~ /^[ \t]*\*?[ \t]*$/
	quoted = 0
	print incode ? $0 : unquoted($0)
	next
}

/^[ \t]*(```|~~~)/ {
	fence = !fence
	print
	next
}

fence {
	print
	next
}

{
	# A code span may go on over a line break, but not past a paragraph.
	n = split($0, part, "`")
	line = ""
	for (i = 1; i <= n; i++) {
		if (i > 1) {
			line = line "`"
			code = !code
		}
		line = line (code ? part[i] : unquoted(part[i]))
	}
	if ($0 ~ /^[ \t]*$/)
		code = quoted = 0
	print bold(line)
}
