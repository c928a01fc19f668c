/*
 * png_ink.c - how much of a PNG screenshot is not background: prints the
 * share of pixels (in per mille) that differ from the top-left pixel, so a
 * test can tell a rendered page from a blank one. 8-bit RGB or RGBA,
 * non-interlaced (what headless Chromium writes). Exit 2 on anything else.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int paeth(int a, int b, int c)
{
	int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* Undo the per-row filters of the inflated image in place. */
static int unfilter(unsigned char *d, uint32_t w, uint32_t h, int bpp)
{
	size_t stride = (size_t)w * bpp + 1, y, x;

	for (y = 0; y < h; y++) {
		unsigned char *row = d + y * stride + 1;
		const unsigned char *up = y ? row - stride : NULL;
		int f = row[-1];

		for (x = 0; x < (size_t)w * bpp; x++) {
			int a = x >= (size_t)bpp ? row[x - bpp] : 0;
			int b = up ? up[x] : 0;
			int c = up && x >= (size_t)bpp ? up[x - bpp] : 0;

			switch (f) {
			case 0: break;
			case 1: row[x] = (unsigned char)(row[x] + a); break;
			case 2: row[x] = (unsigned char)(row[x] + b); break;
			case 3: row[x] = (unsigned char)(row[x] + (a + b) / 2); break;
			case 4: row[x] = (unsigned char)(row[x] + paeth(a, b, c)); break;
			default: return -1;
			}
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
	unsigned char *png, *idat = NULL, *img;
	size_t len, n_idat = 0, pos = 8, stride, x, y, ink = 0;
	uLongf out_len;
	uint32_t w = 0, h = 0;
	int bpp = 0;

	if (!f)
		return fprintf(stderr, "usage: png_ink FILE.png\n"), 2;
	fseek(f, 0, SEEK_END);
	len = (size_t)ftell(f);
	rewind(f);
	png = malloc(len ? len : 1);
	idat = malloc(len ? len : 1);
	if (!png || !idat || fread(png, 1, len, f) != len || len < 33 ||
	    memcmp(png, "\x89PNG\r\n\x1a\n", 8))
		return fprintf(stderr, "png_ink: not a PNG\n"), 2;
	fclose(f);
	while (pos + 12 <= len) {
		uint32_t n = be32(png + pos);

		if (pos + 12 + n > len)
			break;
		if (!memcmp(png + pos + 4, "IHDR", 4)) {
			w = be32(png + pos + 8);
			h = be32(png + pos + 12);
			bpp = png[pos + 17] == 6 ? 4 : png[pos + 17] == 2 ? 3 : 0;
			if (png[pos + 16] != 8 || png[pos + 20] != 0)
				bpp = 0;
		} else if (!memcmp(png + pos + 4, "IDAT", 4)) {
			memcpy(idat + n_idat, png + pos + 8, n);
			n_idat += n;
		}
		pos += 12 + n;
	}
	if (!bpp || !w || !h || w > 20000 || h > 20000)
		return fprintf(stderr, "png_ink: not 8-bit RGB(A)\n"), 2;
	stride = (size_t)w * bpp + 1;
	out_len = (uLongf)(stride * h);
	img = malloc(out_len);
	if (!img || uncompress(img, &out_len, idat, (uLong)n_idat) != Z_OK ||
	    out_len != stride * h || unfilter(img, w, h, bpp))
		return fprintf(stderr, "png_ink: bad image data\n"), 2;
	for (y = 0; y < h; y++)
		for (x = 0; x < w; x++)
			ink += memcmp(img + y * stride + 1 + x * bpp, img + 1,
				      (size_t)bpp) != 0;
	printf("%zu\n", ink * 1000 / ((size_t)w * h));
	free(png);
	free(idat);
	free(img);
	return 0;
}
