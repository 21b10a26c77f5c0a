/* cmdline.c - key=value lookup in the kernel command line. Host-tested. */
#include "cmdline.h"

/* Finds the word "key" or "key=..." and returns where its value starts
 * (just past '=', or the end of the word), or NULL. */
static const char *find_value(const char *cmdline, const char *key)
{
	const char *p = cmdline;
	while (p && *p) {
		while (*p == ' ' || *p == '\t')
			p++;
		const char *k = key;
		const char *w = p;
		while (*k && *w == *k) {
			k++;
			w++;
		}
		if (!*k && (*w == '=' || *w == ' ' || *w == '\t' || *w == '\0'))
			return *w == '=' ? w + 1 : w;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return 0;
}

bool cmdline_get(const char *cmdline, const char *key, char *out, size_t size)
{
	const char *v = find_value(cmdline, key);
	if (!v)
		return false;
	size_t n = 0;
	while (v[n] && v[n] != ' ' && v[n] != '\t') {
		if (n + 1 < size)
			out[n] = v[n];
		n++;
	}
	if (size)
		out[n < size ? n : size - 1] = '\0';
	return true;
}

uint64_t cmdline_get_u64(const char *cmdline, const char *key, uint64_t fallback)
{
	char buf[32];
	if (!cmdline_get(cmdline, key, buf, sizeof(buf)) || !buf[0])
		return fallback;
	const char *p = buf;
	unsigned base = 10;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!*p)
			return fallback;
	}
	uint64_t v = 0;
	for (; *p; p++) {
		unsigned d;
		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return fallback;
		v = v * base + d;
	}
	return v;
}
