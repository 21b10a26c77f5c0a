/* kprintf.c - the formatting engine and its console and buffer front ends.
 *
 * Pure C with no kernel dependency but console_write, so tests/unit builds
 * this file on the host and checks it against the C library's printf.
 */
#include <stdint.h>
#include <stdbool.h>
#include "kprintf.h"

/* One conversion's options, as parsed from "%-08lx". */
struct spec {
	bool left;      /* '-' */
	bool zero;      /* '0' */
	bool alt;       /* '#' */
	int width;      /* minimum field width, 0 if none */
	int precision;  /* -1 if none */
};

struct out {
	kprintf_sink sink;
	void *ctx;
	int count;
};

static void emit(struct out *o, const char *s, size_t len)
{
	if (len) {
		o->sink(o->ctx, s, len);
		o->count += (int)len;
	}
}

static void emit_repeat(struct out *o, char c, int n)
{
	char chunk[16];
	for (int i = 0; i < 16; i++)
		chunk[i] = c;
	while (n > 0) {
		int k = n < 16 ? n : 16;
		emit(o, chunk, (size_t)k);
		n -= k;
	}
}

/* Lays out prefix ("-", "0x") and digits in a field of sp->width. */
static void emit_field(struct out *o, const struct spec *sp, const char *prefix,
		       const char *body, int body_len)
{
	int prefix_len = 0;
	while (prefix[prefix_len])
		prefix_len++;
	int pad = sp->width - prefix_len - body_len;
	if (pad < 0)
		pad = 0;
	if (sp->left) {
		emit(o, prefix, (size_t)prefix_len);
		emit(o, body, (size_t)body_len);
		emit_repeat(o, ' ', pad);
	} else if (sp->zero) {
		emit(o, prefix, (size_t)prefix_len);
		emit_repeat(o, '0', pad);
		emit(o, body, (size_t)body_len);
	} else {
		emit_repeat(o, ' ', pad);
		emit(o, prefix, (size_t)prefix_len);
		emit(o, body, (size_t)body_len);
	}
}

static void emit_number(struct out *o, const struct spec *sp, uint64_t value,
			bool negative, unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24];
	int len = 0;
	do {
		buf[sizeof(buf) - 1 - len++] = digits[value % base];
		value /= base;
	} while (value);
	emit_field(o, sp, negative ? "-" : prefix, buf + sizeof(buf) - len, len);
}

int kvprintf_to(kprintf_sink sink, void *ctx, const char *fmt, va_list ap)
{
	struct out o = { sink, ctx, 0 };
	va_list args;
	va_copy(args, ap);

	while (*fmt) {
		const char *start = fmt;
		while (*fmt && *fmt != '%')
			fmt++;
		emit(&o, start, (size_t)(fmt - start));
		if (!*fmt)
			break;
		fmt++; /* the '%' */

		struct spec sp = { false, false, false, 0, -1 };
		for (;; fmt++) {
			if (*fmt == '-')
				sp.left = true;
			else if (*fmt == '0')
				sp.zero = true;
			else if (*fmt == '#')
				sp.alt = true;
			else
				break;
		}
		if (*fmt == '*') {
			sp.width = va_arg(args, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			sp.width = sp.width * 10 + (*fmt++ - '0');
		if (*fmt == '.') {
			fmt++;
			sp.precision = 0;
			if (*fmt == '*') {
				sp.precision = va_arg(args, int);
				fmt++;
			}
			while (*fmt >= '0' && *fmt <= '9')
				sp.precision = sp.precision * 10 + (*fmt++ - '0');
		}

		int longs = 0; /* 0: int, 1: long, 2: long long, 3: size_t */
		if (*fmt == 'l') {
			longs = 1;
			if (*++fmt == 'l') {
				longs = 2;
				fmt++;
			}
		} else if (*fmt == 'z') {
			longs = 3;
			fmt++;
		} else {
			while (*fmt == 'h') /* promoted to int anyway */
				fmt++;
		}

		char conv = *fmt;
		if (conv)
			fmt++;
		switch (conv) {
		case 'd':
		case 'i': {
			int64_t v = longs == 0 ? va_arg(args, int)
				  : longs == 1 ? va_arg(args, long)
				  : longs == 2 ? va_arg(args, long long)
				  : (int64_t)va_arg(args, size_t);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
			emit_number(&o, &sp, mag, v < 0, 10, false, "");
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = longs == 0 ? va_arg(args, unsigned int)
				   : longs == 1 ? va_arg(args, unsigned long)
				   : longs == 2 ? va_arg(args, unsigned long long)
				   : va_arg(args, size_t);
			if (conv == 'u')
				emit_number(&o, &sp, v, false, 10, false, "");
			else
				emit_number(&o, &sp, v, false, 16, conv == 'X',
					    sp.alt && v ? (conv == 'X' ? "0X" : "0x") : "");
			break;
		}
		case 'p': {
			struct spec p = sp;
			uint64_t v = (uint64_t)(uintptr_t)va_arg(args, void *);
			char buf[16];
			for (int i = 15; i >= 0; i--, v >>= 4)
				buf[i] = "0123456789abcdef"[v & 15];
			p.zero = false;
			emit_field(&o, &p, "0x", buf, 16);
			break;
		}
		case 's': {
			const char *s = va_arg(args, const char *);
			if (!s)
				s = "(null)";
			int len = 0;
			while (s[len] && (sp.precision < 0 || len < sp.precision))
				len++;
			sp.zero = false;
			emit_field(&o, &sp, "", s, len);
			break;
		}
		case 'c': {
			char c = (char)va_arg(args, int);
			sp.zero = false;
			emit_field(&o, &sp, "", &c, 1);
			break;
		}
		case '%':
			emit(&o, "%", 1);
			break;
		case '\0':
			emit(&o, "%", 1); /* a lone '%' at the end */
			break;
		default: /* unknown: print it as written, so the mistake shows */
			emit(&o, "%", 1);
			emit(&o, &conv, 1);
			break;
		}
	}
	va_end(args);
	return o.count;
}

/* ---- buffer front end ---- */

struct buf_ctx {
	char *buf;
	size_t size;
	size_t used;
};

static void buf_sink(void *ctx, const char *s, size_t len)
{
	struct buf_ctx *b = ctx;
	for (size_t i = 0; i < len; i++, b->used++)
		if (b->used + 1 < b->size)
			b->buf[b->used] = s[i];
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };
	int n = kvprintf_to(buf_sink, &b, fmt, ap);
	if (size)
		buf[b.used < size ? b.used : size - 1] = '\0';
	return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* ---- console front end (not built on the host) ---- */

#ifndef KPRINTF_HOST_TEST
#include "console.h"

static void console_sink(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	console_write(s, len);
}

int kvprintf(const char *fmt, va_list ap)
{
	return kvprintf_to(console_sink, 0, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
#endif
