/*
 * test_analysis.c - pareto, table and plot on hand-made results.
 *
 * Each CSV below is small enough that its Pareto front, its table cells
 * and its speedups are worked out by hand in the comments; the commands
 * run in-process with their stdout and stderr captured. The plot tests
 * check the files' signatures only (a PNG's magic bytes, an SVG's <svg)
 * and skip when gnuplot is not installed. The option tests at the end
 * (opt.h: --help, --opt=value, "--", suggestions) also cover sweep, merge
 * and import-scalesim where no fixture is needed.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>

#include "analysis.h"
#include "config.h"
#include "report.h"
#include "run.h"
#include "scalesim.h"
#include "sweep.h"
#include "trace.h"

typedef int (*cmd_fn)(int, char **);

static char out_buf[65536];	/* stdout of the last call() */
static char err_buf[8192];	/* stderr of the last call() */

static void slurp(int fd, char *buf, size_t len)
{
	ssize_t n;
	size_t got = 0;

	lseek(fd, 0, SEEK_SET);
	while (got + 1 < len && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = 0;
}

/* Run fn on the NULL-terminated arguments, output into out_buf/err_buf. */
static int call(cmd_fn fn, ...)
{
	char *argv[32], path[2][64];
	int fd[2], keep[2], argc = 0, rc, i;
	const char *a;
	va_list ap;

	va_start(ap, fn);
	while ((a = va_arg(ap, const char *)) && argc < 31)
		argv[argc++] = strdup(a);
	va_end(ap);
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		snprintf(path[i], sizeof path[i], "/tmp/stasim-cap-XXXXXX");
		fd[i] = mkstemp(path[i]);
		assert_true(fd[i] >= 0);
		unlink(path[i]);
		keep[i] = dup(1 + i);
		dup2(fd[i], 1 + i);
	}
	rc = fn(argc, argv);
	fflush(stdout);
	fflush(stderr);
	for (i = 0; i < 2; i++) {
		dup2(keep[i], 1 + i);
		close(keep[i]);
	}
	slurp(fd[0], out_buf, sizeof out_buf);
	slurp(fd[1], err_buf, sizeof err_buf);
	close(fd[0]);
	close(fd[1]);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return rc;
}

/* s is exactly one line, ending in its newline. */
static void assert_one_line(const char *s)
{
	assert_non_null(strchr(s, '\n'));
	assert_ptr_equal(strchr(s, '\n') + 1, s + strlen(s));
}

static char *read_text(const char *path)
{
	static char buf[65536];
	int fd = open(path, O_RDONLY);

	assert_true(fd >= 0);
	slurp(fd, buf, sizeof buf);
	close(fd);
	return buf;
}

static int have_gnuplot(void)
{
	return run_cmd("command -v gnuplot >/dev/null 2>&1", NULL, 0) == 0;
}

/* Non-empty PNG (magic bytes) and SVG (an <svg element). */
static void assert_figure(const char *dir, const char *base)
{
	static const unsigned char magic[8] = { 0x89, 'P', 'N', 'G', '\r',
		'\n', 0x1a, '\n' };
	unsigned char head[8];
	char path[1200];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s.png", dir, base);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, 8, f), 8);
	fclose(f);
	assert_memory_equal(head, magic, 8);
	snprintf(path, sizeof path, "%s/%s.svg", dir, base);
	assert_non_null(strstr(read_text(path), "<svg"));
}

/*
 * Nine rows. ok points (latency_us, energy_pj):
 *   p0 (100, 50)  front                 p5 (100, 55)  dominated by p0
 *   p1 (200, 40)  front                 p6 invalid, empty numbers
 *   p2 (150, 60)  dominated by p0       p7 failed (1, 1): would dominate
 *   p3 (300, 10)  front                     everything, but is not ok
 *   p4 (200, 40)  identical to p1: kept p8 (400, 10)  dominated by p3
 * The front sorted by x: p0, p1, p4, p3.
 */
static const char results_csv[] =
	"point,trace,engine.rows,cycles,latency_us,energy_pj,edp_pj_us,macs,"
	"dense_macs,utilization_pct,dram_bytes,status,error\n"
	"0,bert,32,100000,100,50,5000,10,20,0.5,64,ok,\n"
	"1,bert,16,200000,200,40,8000,10,20,0.25,64,ok,\n"
	"2,vit,32,150000,150,60,9000,10,20,0.3,64,ok,\n"
	"3,vit,16,300000,300,10,3000,10,20,0.2,64,ok,\n"
	"4,deit,16,200000,200,40,8000,10,20,0.25,64,ok,\n"
	"5,deit,32,100000,100,55,5500,10,20,0.5,64,ok,\n"
	"6,m3vit,8,,,,,,,,,invalid,\"config: engine.rows: \"\"8\"\", too small,\n"
	"see docs\"\n"
	"7,m3vit,4,1000,1,1,1,10,20,0.9,64,failed,\"run: timeout\"\n"
	"8,m3vit,32,400000,400,10,4000,10,20,0.1,64,ok,\n";

static void test_pareto_front(void **state)
{
	char path[256];

	(void)state;
	tmp_file(path, sizeof path, ".csv", results_csv);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--format", "csv",
			      NULL), 0);
	assert_string_equal(out_buf,
		"point,trace,engine.rows,cycles,latency_us,energy_pj,edp_pj_us,"
		"macs,dense_macs,utilization_pct,dram_bytes,status,error\n"
		"0,bert,32,100000,100,50,5000,10,20,0.5,64,ok,\n"
		"1,bert,16,200000,200,40,8000,10,20,0.25,64,ok,\n"
		"4,deit,16,200000,200,40,8000,10,20,0.25,64,ok,\n"
		"3,vit,16,300000,300,10,3000,10,20,0.2,64,ok,\n");
	assert_string_equal(err_buf, "");

	/* markdown: numeric columns right-aligned, text left */
	assert_int_equal(call(pareto_cmd, "pareto", path, "--format", "md",
			      NULL), 0);
	assert_non_null(strstr(out_buf, "| point | trace | engine.rows |"));
	assert_non_null(strstr(out_buf, "\n|---:|---|---:|---:|"));
	assert_non_null(strstr(out_buf, "\n| 3 | vit | 16 | 300000 | 300 | 10 |"));

	/* txt: a summary line, then aligned columns */
	assert_int_equal(call(pareto_cmd, "pareto", path, NULL), 0);
	assert_non_null(strstr(out_buf, "4 of 7 ok rows (2 rows not ok left out)"));
	assert_non_null(strstr(out_buf, "\n    4  deit "));

	/* other axes: minimize cycles and dram_bytes (all 64): the fastest */
	assert_int_equal(call(pareto_cmd, "pareto", path, "--x", "cycles",
			      "--y", "dram_bytes", "--format", "csv", NULL), 0);
	assert_non_null(strstr(out_buf, "\n0,bert,32,"));
	assert_non_null(strstr(out_buf, "\n5,deit,32,"));
	assert_null(strstr(out_buf, "\n1,"));

	/* --where: the front of the 16-row points only: p1, p4, p3 */
	assert_int_equal(call(pareto_cmd, "pareto", path, "--where",
			      "engine.rows=16", "--format", "csv", NULL), 0);
	assert_string_equal(strchr(out_buf, '\n'),
		"\n1,bert,16,200000,200,40,8000,10,20,0.25,64,ok,\n"
		"4,deit,16,200000,200,40,8000,10,20,0.25,64,ok,\n"
		"3,vit,16,300000,300,10,3000,10,20,0.2,64,ok,\n");
	assert_int_equal(call(pareto_cmd, "pareto", path, "--where",
			      "trace=m3vit", NULL), 0);
	assert_non_null(strstr(out_buf, ", rows with trace=m3vit, minimizing "
			       "latency_us and energy_pj: 1 of 1 ok rows (2 "
			       "rows not ok left out)\n"));
	assert_int_equal(call(pareto_cmd, "pareto", path, "--where",
			      "trace=gpt", NULL), 2);
	assert_non_null(strstr(err_buf, "--where: no row has trace=gpt"));
	assert_int_equal(call(pareto_cmd, "pareto", path, "--where",
			      "model=bert", NULL), 2);
	assert_non_null(strstr(err_buf, ":1: model: no such column"));
	unlink(path);
}

/*
 * Three objectives: latency, energy, area (x, y, z). Worked out by hand:
 *   p0 (1, 1, 3)  front: nothing is no worse in all three
 *   p1 (2, 2, 1)  front: the least area but for p4's tie on z
 *   p2 (2, 2, 2)  dominated by p1 (and p5)
 *   p3 (1, 1, 3)  identical to p0: kept
 *   p4 (3, 1, 1)  front: beats p1 on y, p5 on z
 *   p5 (2, 1, 2)  front
 *   p6 (1, 2, 3)  dominated by p0
 * Two objectives (latency, energy) keep only p0 and p3.
 */
static const char results3_csv[] =
	"point,trace,engine.rows,latency_us,energy_pj,area_mm2,status,error\n"
	"0,a,8,1,1,3,ok,\n"
	"1,a,16,2,2,1,ok,\n"
	"2,a,32,2,2,2,ok,\n"
	"3,b,8,1,1,3,ok,\n"
	"4,b,16,3,1,1,ok,\n"
	"5,b,32,2,1,2,ok,\n"
	"6,c,8,1,2,3,ok,\n";

static void test_pareto_three(void **state)
{
	char path[256];

	(void)state;
	tmp_file(path, sizeof path, ".csv", results3_csv);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--objectives",
			      "latency_us,energy_pj,area_mm2", "--format",
			      "csv", NULL), 0);
	assert_string_equal(strchr(out_buf, '\n'),
		"\n0,a,8,1,1,3,ok,\n"
		"3,b,8,1,1,3,ok,\n"
		"5,b,32,2,1,2,ok,\n"
		"1,a,16,2,2,1,ok,\n"
		"4,b,16,3,1,1,ok,\n");
	assert_int_equal(call(pareto_cmd, "pareto", path, "--objectives",
			      "latency_us,energy_pj", "--format", "csv",
			      NULL), 0);
	assert_string_equal(strchr(out_buf, '\n'),
		"\n0,a,8,1,1,3,ok,\n3,b,8,1,1,3,ok,\n");
	assert_int_equal(call(pareto_cmd, "pareto", path, "--objectives",
			      "latency_us,energy_pj,area_mm2", NULL), 0);
	assert_non_null(strstr(out_buf, "minimizing latency_us, energy_pj and "
			       "area_mm2: 5 of 7 ok rows"));
	/* usage: one column, four, twice the same, with --x */
	assert_int_equal(call(pareto_cmd, "pareto", path, "--objectives",
			      "area_mm2", NULL), 2);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--objectives",
			      "latency_us,energy_pj,area_mm2,point", NULL), 2);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--objectives",
			      "area_mm2,area_mm2", NULL), 2);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--objectives",
			      "latency_us,area_mm2", "--x", "latency_us",
			      NULL), 2);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--objectives",
			      "latency_us,nosuch", NULL), 2);
	unlink(path);
}

static void test_pareto_output_file(void **state)
{
	char path[256], dir[256], out[300];

	(void)state;
	tmp_file(path, sizeof path, ".csv", results_csv);
	tmp_dir(dir, sizeof dir);
	snprintf(out, sizeof out, "%s/front.csv", dir);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--format", "csv",
			      "-o", out, NULL), 0);
	assert_string_equal(out_buf, "");
	assert_non_null(strstr(read_text(out), "\n3,vit,16,300000,"));
	assert_int_equal(count_entries(dir), 1);	/* no temporary left */
	unlink(path);

	/* no ok row: an empty front, still a success */
	tmp_file(path, sizeof path, ".csv", "point,latency_us,energy_pj,status,"
		 "error\n1,,,invalid,bad\n");
	assert_int_equal(call(pareto_cmd, "pareto", path, "--format", "csv",
			      NULL), 0);
	assert_string_equal(out_buf, "point,latency_us,energy_pj,status,error\n");
	assert_non_null(strstr(err_buf, "no row has status ok"));
	unlink(path);
	rm_tree(dir);
}

/* Each malformed CSV gives exit 2 and "FILE:LINE: COLUMN: ..." on stderr. */
static void test_pareto_malformed(void **state)
{
	static const struct {
		const char *csv;	/* the file */
		const char *where;	/* expected after "FILE:" */
	} cases[] = {
		/* ragged: a field short on line 3 */
		{ "point,latency_us,energy_pj,status,error\n1,2,3,ok,\n"
		  "2,2,ok,\n", "3: error: missing field" },
		/* ragged: one too many */
		{ "point,latency_us,energy_pj,status,error\n1,2,3,ok,,\n",
		  "2: column 6: extra field" },
		/* a number that is not one, after a two-line quoted field */
		{ "point,latency_us,energy_pj,status,error\n"
		  "1,,,invalid,\"two\nlines\"\n2,3,4e,ok,\n",
		  "4: energy_pj: '4e' is not a number" },
		/* an ok row without a number */
		{ "point,latency_us,energy_pj,status,error\n1,,3,ok,\n",
		  "2: latency_us: empty" },
		/* a quote left open runs to the end of the file */
		{ "point,latency_us,energy_pj,status,error\n1,2,3,ok,\"open\n"
		  "x\n", "2: error: quoted field never closed" },
		{ "point,latency_us,energy_pj,status,error\n1,2,3,ok,a\"b\n",
		  "2: error: quote inside an unquoted field" },
		{ "point,latency_us,energy_pj,status,error\n1,2,3,\"ok\"x,\n",
		  "2: status: text after the closing quote" },
		{ "point,latency_us,energy_pj,status,error\n1,2,3,done,\n",
		  "2: status: 'done' is not ok, invalid or failed" },
		{ "point,latency_us,status,error\n1,2,ok,\n",
		  "1: energy_pj: no such column" },
		{ "point,latency_us,energy_pj,error\n1,2,3,\n",
		  "1: status: no such column" },
		{ "point,latency_us,energy_pj,point,status\n1,2,3,4,ok\n",
		  "1: point: column name repeated" },
		{ "", " empty file" },
	};
	char path[256], want[400];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tmp_file(path, sizeof path, ".csv", cases[i].csv);
		snprintf(want, sizeof want, "stasim: %s:%s", path,
			 cases[i].where);
		assert_int_equal(call(pareto_cmd, "pareto", path, NULL), 2);
		if (strncmp(err_buf, want, strlen(want)))
			fail_msg("case %zu: got '%s', want '%s...'", i, err_buf,
				 want);
		assert_one_line(err_buf);
		assert_string_equal(out_buf, "");
		unlink(path);
	}
	assert_int_equal(call(pareto_cmd, "pareto", NULL), 2);
	assert_int_equal(call(pareto_cmd, "pareto", "x.csv", "--format", "xml",
			      NULL), 2);
	assert_non_null(strstr(err_buf, "--format"));
	assert_int_equal(call(pareto_cmd, "pareto", "/nonexistent/r.csv", NULL),
			 2);
	assert_non_null(strstr(err_buf, "/nonexistent/r.csv: cannot open"));
}

/*
 * Two traces x two patterns at 32 rows, plus a 16-row point that makes
 * (bert, 2:4) ambiguous unless engine.rows is pinned.
 *   bert_base dense: 2000 us, 4e9 pJ -> 2.000 ms, 4.000 mJ
 *   bert_base 2:4:   1000 us, 2.5e9  -> 1.000 ms, 2.500 mJ, 2.00x
 *   vit dense:       3000 us, 6e9    -> 3.000 ms, 6.000 mJ
 *   vit 2:4:         1200 us, 3e9    -> 1.200 ms, 3.000 mJ, 2.50x
 *   vit 1:4:         failed
 */
static const char table_csv[] =
	"point,trace,engine.rows,nm,cycles,latency_us,energy_pj,status,error\n"
	"0,bert_base,32,dense,2000000,2000,4000000000,ok,\n"
	"1,bert_base,32,2:4,1000000,1000,2500000000,ok,\n"
	"2,vit,32,dense,3000000,3000,6000000000,ok,\n"
	"3,vit,32,2:4,1200000,1200,3000000000,ok,\n"
	"4,vit,32,1:4,,,,failed,\"run: check failed\"\n"
	"5,bert_base,16,2:4,1500000,1500,2000000000,ok,\n";

/*
 * The same table by hand, labels from the label table: trace is "trace",
 * nm "N:M", engine.rows "array rows"; the values as computed above, the
 * energy savings 1 - E / E(dense): bert_base 1 - 2.5/4 = 37.5 %, vit
 * 1 - 3/6 = 50.0 %.
 */
static void test_table_md(void **state)
{
	char path[256];

	(void)state;
	tmp_file(path, sizeof path, ".csv", table_csv);
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--baseline", "dense", "--where",
			      "engine.rows=32", NULL), 0);
	assert_string_equal(out_buf,
		"Latency (ms) and energy (mJ) by trace (rows) and N:M (columns); "
		"speedup = latency at N:M = dense / latency; energy saving = 1 "
		"\xe2\x88\x92 energy / energy at N:M = dense; rows with array "
		"rows = 32.\n"
		"\n"
		"| trace | dense latency (ms) | dense speedup | dense energy (mJ) "
		"| dense energy saving (%) | 2:4 latency (ms) | 2:4 speedup | "
		"2:4 energy (mJ) | 2:4 energy saving (%) | 1:4 latency (ms) | "
		"1:4 speedup | 1:4 energy (mJ) | 1:4 energy saving (%) |\n"
		"|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
		"| bert_base | 2.000 | 1.00\xc3\x97 | 4.000 | 0.0 | 1.000 | "
		"2.00\xc3\x97 | 2.500 | 37.5 | \xe2\x80\x93 | \xe2\x80\x93 | "
		"\xe2\x80\x93 | \xe2\x80\x93 |\n"
		"| vit | 3.000 | 1.00\xc3\x97 | 6.000 | 0.0 | 1.200 | "
		"2.50\xc3\x97 | 3.000 | 50.0 | failed | \xe2\x80\x93 | failed | "
		"\xe2\x80\x93 |\n");

	/* one metric, no baseline: the values are the headers */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--metric", "latency", "--where",
			      "engine.rows=32", "--where", "trace=vit", NULL), 0);
	assert_non_null(strstr(out_buf, "rows with array rows = 32, trace = "
			       "vit.\n"));
	assert_non_null(strstr(out_buf, "\n| trace | dense | 2:4 | 1:4 |\n"));
	assert_non_null(strstr(out_buf, "\n| vit | 3.000 | 1.200 | failed |\n"));

	/* csv: the same heads, bare numbers, empty for no row */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--metric", "latency", "--baseline",
			      "nm=dense", "--where", "engine.rows=32", "--format",
			      "csv", NULL), 0);
	assert_string_equal(out_buf, "trace,dense latency (ms),dense speedup,"
		"2:4 latency (ms),2:4 speedup,1:4 latency (ms),1:4 speedup\n"
		"bert_base,2.000,1.00,1.000,2.00,,\n"
		"vit,3.000,1.00,1.200,2.50,failed,\n");
	unlink(path);
}

static void test_table_latex(void **state)
{
	char path[256], dir[256], out[300];
	const char *tex;

	(void)state;
	tmp_file(path, sizeof path, ".csv", table_csv);
	tmp_dir(dir, sizeof dir);
	snprintf(out, sizeof out, "%s/table.tex", dir);
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--baseline", "dense", "--metric",
			      "latency", "--where", "engine.rows=32", "--format",
			      "latex", "-o", out, NULL), 0);
	assert_string_equal(out_buf, "");
	tex = read_text(out);
	assert_string_equal(tex,
		"% needs \\usepackage{booktabs}\n"
		"\\begin{table}[tbp]\n"
		"\\centering\n"
		"\\caption{Latency (ms) by trace (rows) and N:M (columns); "
		"speedup = latency at N:M = dense / latency; rows with array "
		"rows = 32.}\n"
		"\\label{tab:trace-by-nm}\n"
		"\\begin{tabular}{lrrrrrr}\n"
		"\\toprule\n"
		" & \\multicolumn{2}{c}{dense} & \\multicolumn{2}{c}{2:4} & "
		"\\multicolumn{2}{c}{1:4} \\\\\n"
		"\\cmidrule(lr){2-3} \\cmidrule(lr){4-5} \\cmidrule(lr){6-7}\n"
		"trace & latency (ms) & speedup & latency (ms) & speedup & "
		"latency (ms) & speedup \\\\\n"
		"\\midrule\n"
		"bert\\_base & 2.000 & 1.00$\\times$ & 1.000 & 2.00$\\times$ & "
		"-- & -- \\\\\n"
		"vit & 3.000 & 1.00$\\times$ & 1.200 & 2.50$\\times$ & failed & "
		"-- \\\\\n"
		"\\bottomrule\n"
		"\\end{tabular}\n"
		"\\end{table}\n");
	assert_int_equal(count_entries(dir), 1);

	/* energy only: one header row of values under the key's label;
	 * --caption and --label replace the made ones */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "nm",
			      "--cols", "engine.rows", "--metric", "energy",
			      "--where", "trace=bert_base", "--format", "latex",
			      "--caption", "Energy of BERT_base, 2 µm²",
			      "--label", "tab:bert", NULL), 0);
	assert_non_null(strstr(out_buf, "\\caption{Energy of BERT\\_base, 2 "
			       "$\\mu$m\\textsuperscript{2}}\n\\label{tab:bert}\n"));
	assert_non_null(strstr(out_buf, "\n & \\multicolumn{2}{c}{array rows} "
			       "\\\\\n\\cmidrule(lr){2-3}\nN:M & 32 & 16 \\\\\n"));
	assert_non_null(strstr(out_buf, "\n2:4 & 2.500 & 2.000 \\\\\n"));
	unlink(path);
	rm_tree(dir);
}

/*
 * Rows finished out of order (-j 2 appends in completion order): the
 * table follows the point ids. Points 0..5 are (model, rows) =
 * (vit,16) (vit,32) (bert,16) (bert,32) (deit,16) (deit,32), written
 * shuffled; a table of model by rows lists vit, bert, deit and 16, 32.
 * Latency = 100 x (point + 1) us: 0.100 .. 0.600 ms.
 */
static void test_table_spec_order(void **state)
{
	char path[256];

	(void)state;
	tmp_file(path, sizeof path, ".csv",
		 "point,model,engine.rows,latency_us,energy_pj,status,error\n"
		 "5,deit,32,600,1e9,ok,\n"
		 "3,bert,32,400,1e9,ok,\n"
		 "1,vit,32,200,1e9,ok,\n"
		 "4,deit,16,500,1e9,ok,\n"
		 "0,vit,16,100,1e9,ok,\n"
		 "2,bert,16,300,1e9,ok,\n");
	assert_int_equal(call(table_cmd, "table", path, "--rows", "model",
			      "--cols", "engine.rows", "--metric", "latency",
			      NULL), 0);
	assert_non_null(strstr(out_buf, "\n| model | 16 rows | 32 rows |\n"
			       "|---|---:|---:|\n"
			       "| vit | 0.100 | 0.200 |\n"
			       "| bert | 0.300 | 0.400 |\n"
			       "| deit | 0.500 | 0.600 |\n"));
	unlink(path);
}

/*
 * --baseline KEY=VALUE against the row with the other keys equal. Two
 * configs x two models x dense/2:4; each trace names one pattern, so the
 * trace only restates nm and is not matched. By hand:
 *   sta  vit:  dense 1000 us 5e9 pJ, 2:4 500 us 4e9: 2.00x, 20.0 %
 *   edge vit:  dense  800 us 2.5e9,  2:4 400 us 2e9: 2.00x, 20.0 %
 *   sta  bert: dense 2000 us 8e9,    2:4 800 us 6e9: 2.50x, 25.0 %
 *   edge bert: dense 1600 us 4e9,    2:4 1280 us 5e9: 1.25x, -25.0 %
 * Against the config instead (--baseline config=sta), vit 2:4 on edge:
 * 500 / 400 = 1.25x, 1 - 2/4 = 50.0 %.
 */
static const char base_csv[] =
	"point,config,trace,model,nm,latency_us,energy_pj,area_mm2,status,"
	"error\n"
	"0,sta,t/vit-1of1.trace.gz,vit,dense,1000,5e9,2.5,ok,\n"
	"1,sta,t/vit-2of4.trace.gz,vit,2:4,500,4e9,2.5,ok,\n"
	"2,sta,t/bert-1of1.trace.gz,bert,dense,2000,8e9,2.5,ok,\n"
	"3,sta,t/bert-2of4.trace.gz,bert,2:4,800,6e9,2.5,ok,\n"
	"7,edge,t/bert-2of4.trace.gz,bert,2:4,1280,5e9,1.5,ok,\n"
	"4,edge,t/vit-1of1.trace.gz,vit,dense,800,2.5e9,1.5,ok,\n"
	"5,edge,t/vit-2of4.trace.gz,vit,2:4,400,2e9,1.5,ok,\n"
	"6,edge,t/bert-1of1.trace.gz,bert,dense,1600,4e9,1.5,ok,\n";

static void test_table_baseline_key(void **state)
{
	char path[256];

	(void)state;
	tmp_file(path, sizeof path, ".csv", base_csv);
	/* the baseline is outside the table: nm is pinned to 2:4 */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "model",
			      "--cols", "config", "--where", "nm=2:4",
			      "--baseline", "nm=dense", "--format", "csv", NULL), 0);
	assert_string_equal(out_buf, "model,sta latency (ms),sta speedup,"
		"sta energy (mJ),sta energy saving (%),edge latency (ms),"
		"edge speedup,edge energy (mJ),edge energy saving (%)\n"
		"vit,0.500,2.00,4.000,20.0,0.400,2.00,2.000,20.0\n"
		"bert,0.800,2.50,6.000,25.0,1.280,1.25,5.000,-25.0\n");
	/* the baseline among the columns, Markdown */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "model",
			      "--cols", "nm", "--where", "config=edge",
			      "--metric", "latency", "--baseline", "nm=dense",
			      NULL), 0);
	assert_non_null(strstr(out_buf, "\n| vit | 0.800 | 1.00\xc3\x97 | 0.400 "
			       "| 2.00\xc3\x97 |\n| bert | 1.600 | 1.00\xc3\x97 | "
			       "1.280 | 1.25\xc3\x97 |\n"));
	/* another key: the config, other keys (model, nm, trace) equal */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "model",
			      "--cols", "config", "--where", "nm=2:4",
			      "--baseline", "config=sta", "--format", "csv", NULL),
			 0);
	assert_non_null(strstr(out_buf, "\nvit,0.500,1.00,4.000,0.0,0.400,1.25,"
			       "2.000,50.0\n"));
	/* any measured column: area in mm2, not a key */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "model",
			      "--cols", "config", "--where", "nm=dense",
			      "--metric", "area_mm2", NULL), 0);
	assert_non_null(strstr(out_buf, "Area (mm\xc2\xb2) by model (rows) and "
			       "configuration (columns); rows with N:M = "
			       "dense.\n"));
	assert_non_null(strstr(out_buf, "\n| vit | 2.500 | 1.500 |\n"));
	/* no such value, no such key */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "model",
			      "--cols", "config", "--where", "nm=2:4",
			      "--baseline", "nm=4:8", NULL), 2);
	assert_non_null(strstr(err_buf, "--baseline: no row has nm=4:8 (the "
			       "values are: dense, 2:4)"));
	assert_int_equal(call(table_cmd, "table", path, "--rows", "model",
			      "--cols", "config", "--where", "nm=2:4",
			      "--baseline", "sparsity=dense", NULL), 2);
	assert_non_null(strstr(err_buf, "sparsity: no such column"));
	unlink(path);

	/* a square sweep: engine.cols moves with engine.rows, so it only
	 * restates it; 16x16 at 300 us, 32x32 at 120 us: 2.50x */
	tmp_file(path, sizeof path, ".csv", "point,trace,engine.rows,"
		 "engine.cols,latency_us,energy_pj,status\n"
		 "0,a,16,16,300,1,ok\n1,a,32,32,120,1,ok\n");
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "engine.rows", "--metric", "latency",
			      "--baseline", "engine.rows=16", "--format", "csv",
			      NULL), 0);
	assert_non_null(strstr(out_buf, "\na,0.300,1.00,0.120,2.50\n"));
	unlink(path);

	/* two rows qualify as the baseline: an error, not a guess */
	tmp_file(path, sizeof path, ".csv", "point,trace,nm,latency_us,"
		 "energy_pj,status\n0,a.trace,dense,10,1,ok\n1,b.trace,dense,"
		 "20,1,ok\n2,c.trace,2:4,5,1,ok\n");
	assert_int_equal(call(table_cmd, "table", path, "--rows", "nm",
			      "--cols", "trace", "--baseline", "nm=dense", NULL),
			 2);
	assert_non_null(strstr(err_buf, ":3: --baseline: this row and line 2 "
			       "both are the baseline nm=dense of line 2; they differ in "
			       "trace"));
	unlink(path);
}

/* Captions and heads say what a reader understands: no raw column name. */
static void test_table_labels(void **state)
{
	static const char *const raw[] = { "latency_us", "energy_pj",
		"engine.rows", "dram.bandwidth_gbps", "area_mm2", ".trace.gz",
		"traces/", NULL };
	char path[256];
	size_t i;

	(void)state;
	tmp_file(path, sizeof path, ".csv",
		 "point,trace,engine.rows,dram.bandwidth_gbps,latency_us,"
		 "energy_pj,area_mm2,status,error\n"
		 "0,../traces/a-2of4.trace.gz,16,25.6,100,1e9,1,ok,\n"
		 "1,../traces/a-2of4.trace.gz,32,25.6,80,1e9,2,ok,\n");
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "engine.rows", "--metric", "latency,"
			      "area_mm2", "--baseline", "engine.rows=16",
			      "--where", "dram.bandwidth_gbps=25.6", "--format",
			      "latex", NULL), 0);
	assert_non_null(strstr(out_buf, "\\caption{Latency (ms) and area "
			       "(mm\\textsuperscript{2}) by trace (rows) and array "
			       "rows (columns); speedup = latency at array rows = "
			       "16 / latency; rows with DRAM bandwidth = 25.6 "
			       "GB/s.}"));
	assert_non_null(strstr(out_buf, "\\multicolumn{3}{c}{16 rows}"));
	/* three significant digits for the smallest latency, 0.0800 ms */
	assert_non_null(strstr(out_buf, "\na-2of4 & 0.1000 & 1.00$\\times$ & "
			       "1.000 & 0.0800 & 1.25$\\times$ & 2.000 \\\\\n"));
	for (i = 0; raw[i]; i++)
		if (strstr(out_buf, raw[i]))
			fail_msg("'%s' in:\n%s", raw[i], out_buf);
	assert_non_null(strstr(out_buf, "\\toprule\n"));
	assert_non_null(strstr(out_buf, "\\midrule\n"));
	assert_non_null(strstr(out_buf, "\\bottomrule\n"));
	assert_non_null(strstr(out_buf, "\\label{tab:trace-by-engine-rows}\n"));
	unlink(path);
}

static void test_table_errors(void **state)
{
	char path[256], want[400];

	(void)state;
	tmp_file(path, sizeof path, ".csv", table_csv);
	/* line 7 (point 5) shares bert_base/2:4 with line 3 (point 1) */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", NULL), 2);
	snprintf(want, sizeof want, "stasim: %s:7: engine.rows: this row and "
		 "line 3 both fill the cell trace=bert_base, nm=2:4", path);
	assert_memory_equal(err_buf, want, strlen(want));
	assert_non_null(strstr(err_buf, "--where engine.rows=VALUE"));
	assert_string_equal(out_buf, "");

	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--where", "engine.rows=64", NULL), 2);
	assert_non_null(strstr(err_buf, "--where: no row has engine.rows=64"));
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--where", "engine.rows=16",
			      "--where", "trace=vit", NULL), 2);
	assert_non_null(strstr(err_buf, "no row matches all the --where"));
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--where", "engine.rows=32",
			      "--baseline", "4:8", NULL), 2);
	assert_non_null(strstr(err_buf, "--baseline: no row has nm=4:8 (the "
			       "values are: dense, 2:4, 1:4)"));
	assert_int_equal(call(table_cmd, "table", path, "--rows", "model",
			      "--cols", "nm", NULL), 2);
	snprintf(want, sizeof want, "stasim: %s:1: model: no such column", path);
	assert_memory_equal(err_buf, want, strlen(want));
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace", NULL),
			 2);
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--where", "rows", NULL), 2);
	assert_int_equal(call(table_cmd, "table", path, "--rows", "nm", "--cols",
			      "nm", NULL), 2);
	unlink(path);

	/* two other keys vary: the message names both */
	tmp_file(path, sizeof path, ".csv", "trace,nm,rows,bw,latency_us,"
		 "energy_pj,status\na,dense,16,1,1,2,ok\na,dense,16,2,1,2,ok\n"
		 "a,dense,32,1,1,2,ok\n");
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", NULL), 2);
	assert_non_null(strstr(err_buf, ":3: bw: this row and line 2"));
	assert_non_null(strstr(err_buf, "pin it with --where bw=VALUE; other "
			       "keys that vary: rows\n"));
	unlink(path);

	/* exact duplicates: nothing to pin */
	tmp_file(path, sizeof path, ".csv", "trace,nm,latency_us,energy_pj,"
		 "status\na,dense,1,2,ok\na,dense,1,2,ok\n");
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", NULL), 2);
	assert_non_null(strstr(err_buf, ":3: this row and line 2 are the same "
			       "point"));
	unlink(path);
}

static void test_plot_results(void **state)
{
	char path[256], dir[256], sub[300], svg[400];

	(void)state;
	if (!have_gnuplot())
		skip();
	tmp_file(path, sizeof path, ".csv", results_csv);
	tmp_dir(dir, sizeof dir);
	snprintf(sub, sizeof sub, "%s/figs/a", dir);	/* created, -p */
	assert_int_equal(call(plot_cmd, "plot", path, "-o", sub, NULL), 0);
	assert_figure(sub, "latency_energy");
	assert_int_equal(count_entries(sub), 3);	/* no temporaries */
	snprintf(svg, sizeof svg, "%s/latency_energy.svg", sub);
	assert_null(strstr(read_text(svg), "stasim-plot-"));	/* no tmp path */
	assert_non_null(strstr(out_buf, "/latency_energy.png\n"));

	assert_int_equal(call(plot_cmd, "plot", path, "-o", sub, "--x", "cycles",
			      "--y", "edp_pj_us", NULL), 0);
	assert_figure(sub, "cycles_edp_pj_us");
	assert_int_equal(count_entries(sub), 6);

	/* --where selects the points; none ok among them is an error */
	assert_int_equal(call(plot_cmd, "plot", path, "-o", sub, "--where",
			      "engine.rows=16", NULL), 0);
	assert_int_equal(call(plot_cmd, "plot", path, "-o", sub, "--where",
			      "engine.rows=8", NULL), 2);
	assert_non_null(strstr(err_buf, "no row passing --where has status ok"));
	assert_int_equal(count_entries(sub), 6);
	rm_tree(dir);
	unlink(path);
}

/* A real report.json from a run, many ops: the per-kind figure. */
static void test_plot_report(void **state)
{
	static struct config cfg;
	struct trace t = { 0 };
	struct run_result r;
	struct run_opts o = { .seed = 1, .fast_forward = 1 };
	struct sim_err err;
	struct report rep;
	char p[1024], dir[256], json[300], small[256];

	(void)state;
	if (!have_gnuplot())
		skip();
	assert_int_equal(config_load(src_path(p, sizeof p,
				"configs/sta-default.ini"), &cfg, &err), 0);
	assert_int_equal(trace_read(src_path(p, sizeof p,
				"traces/deit-tiny-2of4.trace.gz"), &t, &err), 0);
	assert_int_equal(run_sim(&cfg, &t, &o, &r, &err), 0);
	rep = (struct report){ &cfg, &t, &r, 0, 1 };
	tmp_dir(dir, sizeof dir);
	assert_int_equal(report_write_dir(&rep, dir, &err), 0);
	assert_true(r.n_ops > 40);
	run_free(&r);
	trace_free(&t);
	snprintf(json, sizeof json, "%s/report.json", dir);
	assert_int_equal(call(plot_cmd, "plot", "--report", json, "-o", dir,
			      NULL), 0);
	assert_figure(dir, "ops");
	rm_tree(dir);

	/* three ops: one bar each */
	tmp_file(small, sizeof small, ".json",
		 "{ \"run\": { \"trace\": \"t.trace\" },\n"
		 "  \"arch\": { \"name\": \"tiny\", \"clock_mhz\": 500 },\n"
		 "  \"total\": { \"latency_us\": 3.5, \"energy_pj\": 1.5e6 },\n"
		 "  \"ops\": [\n"
		 "    { \"name\": \"l0.qkv\", \"kind\": \"gemm\", \"cycles\": 1000,"
		 " \"energy_pj\": 1e6 },\n"
		 "    { \"name\": \"l0.sm\\\"x\", \"kind\": \"softmax\", \"cycles\":"
		 " 250, \"energy_pj\": 2.5e5 },\n"
		 "    { \"name\": \"l0.\\u00b5\", \"kind\": \"gelu\", \"cycles\": 500,"
		 " \"energy_pj\": 2.5e5, \"tiling\": { \"x\": [1, true, null] } }\n"
		 "  ] }\n");
	tmp_dir(dir, sizeof dir);
	assert_int_equal(call(plot_cmd, "plot", "--report", small, "-o", dir,
			      NULL), 0);
	assert_figure(dir, "ops");
	assert_int_equal(count_entries(dir), 3);
	rm_tree(dir);
	unlink(small);
}

/* Malformed reports: exit 2 naming line and field, gnuplot or not. */
static void test_plot_bad_report(void **state)
{
	static const struct {
		const char *json;	/* the file */
		const char *where;	/* expected after "FILE:" */
	} cases[] = {
		{ "{\n \"arch\": {\"clock_mhz\": 1000},\n \"total\": {\"latency_us\": "
		  "1 \"energy_pj\": 2}\n}\n",
		  "3: expected ',' or '}' after a member" },
		{ "{\n \"arch\": {\"clock_mhz\": 1000},\n \"total\": {\"latency_us\": "
		  "1, \"energy_pj\": 2},\n \"ops\": [\n  {\"name\": \"a\", "
		  "\"kind\": \"gemm\", \"cycles\": 5, \"energy_pj\": 1},\n"
		  "  {\"name\": \"b\", \"kind\": \"gemm\", \"cycles\": 5}\n ]\n}\n",
		  "6: ops[1].energy_pj: missing" },
		{ "{\n \"arch\": {\"clock_mhz\": 1000},\n \"total\": {\"latency_us\": "
		  "1, \"energy_pj\": 2},\n \"ops\": [\n  {\"name\": \"a\", "
		  "\"kind\": \"gemm\",\n   \"cycles\": \"5\", \"energy_pj\": 1}]}\n",
		  "6: ops[0].cycles: is a string, not a number" },
		{ "{\"arch\": {\"clock_mhz\": 0}}", "1: arch.clock_mhz: 0 is not "
		  "a positive clock" },
		{ "{\"arch\": {}}", "1: arch.clock_mhz: missing" },
		{ "{\"arch\": {\"clock_mhz\": 1}, \"total\": {\"latency_us\": 1, "
		  "\"energy_pj\": 1},\n\"ops\": []}", "2: ops: empty" },
		{ "[1, 2", "1: expected ',' or ']' after an element, found the "
		  "end of the file" },
		{ "{\"a\": \"x\\q\"}", "1: unknown escape in a string" },
		{ "{\"a\": \"two\nlines\"}", "1: string not closed" },
		{ "{\"a\": 01}", "1: expected ',' or '}' after a member" },
		{ "{\"a\": -}", "1: expected a digit" },
		{ "{\"a\": 1} x", "1: expected the end of the file" },
		{ "\n\n  nul", "3: expected a value" },
		{ "", "1: expected a value, found the end of the file" },
	};
	char path[256], want[400], dir[256];
	size_t i;

	(void)state;
	tmp_dir(dir, sizeof dir);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		tmp_file(path, sizeof path, ".json", cases[i].json);
		snprintf(want, sizeof want, "stasim: %s:%s", path,
			 cases[i].where);
		assert_int_equal(call(plot_cmd, "plot", "--report", path, "-o",
				      dir, NULL), 2);
		if (strncmp(err_buf, want, strlen(want)))
			fail_msg("case %zu: got '%s', want '%s...'", i, err_buf,
				 want);
		unlink(path);
	}
	assert_int_equal(count_entries(dir), 0);

	/* deep nesting is refused, not a stack overflow */
	{
		char deep[300];

		memset(deep, '[', 200);
		deep[200] = 0;
		tmp_file(path, sizeof path, ".json", deep);
		assert_int_equal(call(plot_cmd, "plot", "--report", path, "-o",
				      dir, NULL), 2);
		assert_non_null(strstr(err_buf, "nested deeper than"));
		unlink(path);
	}
	assert_int_equal(call(plot_cmd, "plot", "--report", "r.json", NULL), 2);
	assert_int_equal(call(plot_cmd, "plot", "a.csv", "--report", "r.json",
			      "-o", dir, NULL), 2);
	assert_int_equal(call(plot_cmd, "plot", "--report", "r.json", "--x",
			      "cycles", "-o", dir, NULL), 2);
	rm_tree(dir);
}

/* Without gnuplot on PATH: exit 2, the package named, nothing written. */
static void test_plot_no_gnuplot(void **state)
{
	char path[256], dir[256], empty[256], *old;

	(void)state;
	tmp_file(path, sizeof path, ".csv", results_csv);
	tmp_dir(dir, sizeof dir);
	tmp_dir(empty, sizeof empty);
	old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	setenv("PATH", empty, 1);
	assert_int_equal(call(plot_cmd, "plot", path, "-o", dir, NULL), 2);
	if (old)
		setenv("PATH", old, 1);
	else
		unsetenv("PATH");
	free(old);
	assert_non_null(strstr(err_buf, "gnuplot-nox"));
	assert_int_equal(count_entries(dir), 0);
	rm_tree(dir);
	rm_tree(empty);
	unlink(path);
}

/* A gnuplot that fails, or writes nothing: exit 1, nothing left behind. */
static void test_plot_gnuplot_fails(void **state)
{
	static const struct {
		const char *script;	/* the fake gnuplot */
		const char *msg;	/* expected in the error */
	} fakes[] = {
		{ "#!/bin/sh\necho 'set terminal nonsense' >&2\n"
		  "echo '\"x.gp\" line 3: unknown terminal' >&2\nexit 1\n",
		  "gnuplot: failed (exit status 1): \"x.gp\" line 3: unknown "
		  "terminal\n" },
		{ "#!/bin/sh\nexit 0\n", "gnuplot: wrote an empty figure\n" },
	};
	char path[256], dir[256], bin[256], gp[300], *old;
	size_t i;
	FILE *f;

	(void)state;
	tmp_file(path, sizeof path, ".csv", results_csv);
	tmp_dir(dir, sizeof dir);
	tmp_dir(bin, sizeof bin);
	snprintf(gp, sizeof gp, "%s/gnuplot", bin);
	old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	for (i = 0; i < sizeof fakes / sizeof fakes[0]; i++) {
		f = fopen(gp, "w");
		assert_non_null(f);
		fputs(fakes[i].script, f);
		fclose(f);
		chmod(gp, 0755);
		setenv("PATH", bin, 1);
		assert_int_equal(call(plot_cmd, "plot", path, "-o", dir, NULL), 1);
		if (old)
			setenv("PATH", old, 1);
		assert_non_null(strstr(err_buf, fakes[i].msg));
		assert_int_equal(count_entries(dir), 0);
	}
	free(old);
	rm_tree(dir);
	rm_tree(bin);
	unlink(path);
}

/*
 * A gnuplot that keeps the scripts it is given (main.gp and every script
 * it loads, into DIR/script.gp) and writes a byte into each output, so
 * that the script text is checked, not pixels.
 */
static void fake_gnuplot(const char *bin, const char *keep)
{
	char gp[300];
	FILE *f;

	snprintf(gp, sizeof gp, "%s/gnuplot", bin);
	f = fopen(gp, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\ncat \"$1\" > '%s/script.gp'\n"
		"sed -n \"s/^load '\\(.*\\)'$/\\1/p\" \"$1\" | sort -u | "
		"while read b; do cat \"$b\" >> '%s/script.gp'; done\n"
		"sed -n \"s/^set output '\\(.*\\)'$/\\1/p\" \"$1\" | "
		"while read o; do echo x > \"$o\"; done\n", keep, keep);
	fclose(f);
	chmod(gp, 0755);
}

/* plot with the fake gnuplot on PATH; the script's text, or NULL. */
static const char *plot_script(const char *bin, const char *keep, ...)
{
	static char text[65536];
	char *argv[16], path[4096], *old;
	int argc = 0, rc;
	const char *a;
	va_list ap;

	va_start(ap, keep);
	while ((a = va_arg(ap, const char *)) && argc < 15)
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	snprintf(path, sizeof path, "%s:%s", bin, old ? old : "/usr/bin:/bin");
	setenv("PATH", path, 1);	/* ours first; cat and sed after */
	rc = call(plot_cmd, argv[0], argv[1], argv[2], argv[3], argv[4],
		  argv[5], argv[6], argv[7], argv[8], argv[9], argv[10], NULL);
	if (old)
		setenv("PATH", old, 1);
	free(old);
	if (rc)
		return NULL;
	snprintf(path, sizeof path, "%s/script.gp", keep);
	snprintf(text, sizeof text, "%s", read_text(path));
	return text;
}

/* The lower end of "set AXrange [a:b]" in script s. */
static double range_lo(const char *s, const char *ax)
{
	char key[32];
	const char *p;

	snprintf(key, sizeof key, "set %srange [", ax);
	p = strstr(s, key);
	assert_non_null(p);
	return strtod(p + strlen(key), NULL);
}

/*
 * The design-space script: one colour and marker per --by value with a
 * legend naming each, labels from the label table (no column name, no
 * path), axes that start at the data (never below 0 for positive data),
 * log where the data span more than 1.5 decades, and every format.
 * In table_csv at 32 rows: latency 1.0 .. 3.0 ms, energy 2.5 .. 6 mJ:
 * linear, and the padding may not take the axes below zero.
 */
static void test_plot_script(void **state)
{
	char path[256], dir[256], bin[256], keep[256], out[300];
	const char *s;

	(void)state;
	tmp_file(path, sizeof path, ".csv", table_csv);
	tmp_dir(dir, sizeof dir);
	tmp_dir(bin, sizeof bin);
	tmp_dir(keep, sizeof keep);
	fake_gnuplot(bin, keep);
	s = plot_script(bin, keep, "plot", path, "-o", dir, "--by", "nm",
			"--where", "engine.rows=32", NULL);
	assert_non_null(s);
	assert_non_null(strstr(out_buf, "/latency_energy.png\n"));
	assert_non_null(strstr(out_buf, "/latency_energy.svg\n"));
	assert_non_null(strstr(out_buf, "/latency_energy.pdf\n"));
	assert_non_null(strstr(s, "set terminal pdfcairo size 3.500in,"));
	assert_non_null(strstr(s, "set terminal svg size 336,"));
	/* the legend: "N:M:", then dense and 2:4, each its colour and marker */
	assert_non_null(strstr(s, "set label 90 'N:M:'"));
	assert_non_null(strstr(s, "'dense' at screen"));
	assert_non_null(strstr(s, "point pt 7 ps 1.8*PS lw LW lc rgb "
			       "'#0072B2'"));
	assert_non_null(strstr(s, "'2:4' at screen"));
	assert_non_null(strstr(s, "point pt 5 ps 1.8*PS lw LW lc rgb "
			       "'#D55E00'"));
	assert_null(strstr(s, "'1:4' at screen"));	/* failed: not drawn */
	/* each plot titled, so that an SVG never names a temporary file */
	assert_non_null(strstr(s, "'#0072B2' title 'N:M = dense'"));
	assert_non_null(strstr(s, "index 0 using 1:2 with points pt 7 "));
	assert_non_null(strstr(s, "index 1 using 1:2 with points pt 5 "));
	assert_non_null(strstr(s, "'Pareto front'"));
	/* labels, not columns or paths */
	assert_non_null(strstr(s, "set xlabel 'latency (ms)'"));
	assert_non_null(strstr(s, "set ylabel 'energy (mJ)'"));
	assert_non_null(strstr(s, "'Energy vs latency, 4 design points'"));
	assert_non_null(strstr(s, "'array rows = 32'"));
	assert_null(strstr(s, "latency_us"));
	assert_null(strstr(s, "energy_pj"));
	assert_null(strstr(s, path));
	assert_true(range_lo(s, "x") >= 0);
	assert_true(range_lo(s, "y") >= 0);
	assert_true(range_lo(s, "x") > 0.5);	/* from the data, not 0 */
	assert_null(strstr(s, "\nset logscale"));
	/* the front: (1.000, 2.500) bert_base 2:4 alone, listed by its keys */
	assert_non_null(strstr(s, "set label 1 '1' at 1, 2.5 center front"));
	assert_non_null(strstr(s, "'(1) bert_base, 2:4'"));

	/* more than 1.5 decades: log; one file, its format from -o */
	unlink(path);
	tmp_file(path, sizeof path, ".csv", "point,engine.rows,latency_us,"
		 "energy_pj,status\n0,16,10,1e6,ok\n1,32,1000,1e9,ok\n"
		 "2,64,10000,3e9,ok\n");
	snprintf(out, sizeof out, "%s/fig.pdf", dir);
	s = plot_script(bin, keep, "plot", path, "-o", out, "--by",
			"engine.rows", NULL);
	assert_non_null(s);
	assert_string_equal(out_buf + strlen(out_buf) - 8, "/fig.pdf\n" + 1);
	assert_null(strstr(s, "set terminal svg"));
	assert_non_null(strstr(s, "set logscale x\n"));
	assert_non_null(strstr(s, "set logscale y\n"));
	assert_true(range_lo(s, "x") > 0);
	assert_non_null(strstr(s, "set label 90 'array rows:'"));
	assert_non_null(strstr(s, "'16 rows' at screen"));
	assert_non_null(strstr(s, "'64 rows' at screen"));
	assert_non_null(strstr(s, "lc rgb '#009E73'"));
	/* 0.1 to 3 ms (a factor of 30, linear): padding by 6 % of the span
	 * would start the axis at -0.07 ms; it starts at 0 */
	unlink(path);
	tmp_file(path, sizeof path, ".csv", "point,latency_us,energy_pj,status\n"
		 "0,100,2e9,ok\n1,3000,1e9,ok\n");
	s = plot_script(bin, keep, "plot", path, "-o", dir, NULL);
	assert_non_null(s);
	assert_null(strstr(s, "\nset logscale"));
	assert_true(range_lo(s, "x") == 0);
	assert_true(range_lo(s, "y") > 0.9);
	/* --format and -o must agree */
	assert_null(plot_script(bin, keep, "plot", path, "-o", out, "--format",
				"svg", NULL));
	assert_non_null(strstr(err_buf, "--format says otherwise"));
	rm_tree(dir);
	rm_tree(bin);
	rm_tree(keep);
	unlink(path);
}

/*
 * The per-layer script of a report: ops l0.* and l1.* make two bars (more
 * than 40 ops), each split by unit, titled with the trace's file name.
 */
static void test_plot_ops_script(void **state)
{
	char path[300], dir[256], bin[256], keep[256];
	const char *s;
	FILE *f;
	int i;

	(void)state;
	tmp_dir(dir, sizeof dir);
	tmp_dir(bin, sizeof bin);
	tmp_dir(keep, sizeof keep);
	fake_gnuplot(bin, keep);
	snprintf(path, sizeof path, "%s/report.json", keep);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"run\": {\"trace\": \"/somewhere/traces/vit-b16-2of4.trace.gz\"},"
	      "\"arch\": {\"name\": \"sta\", \"clock_mhz\": 1000},"
	      "\"total\": {\"latency_us\": 10, \"energy_pj\": 1e6}, \"ops\": [", f);
	for (i = 0; i < 42; i++)	/* 21 ops per layer */
		fprintf(f, "%s{\"name\": \"l%d.op%d\", \"kind\": \"gemm\", "
			"\"cycles\": 1000, \"busy_cycles\": 600, \"energy_pj\": "
			"3, \"tiling\": {\"unit\": \"%s\"}, \"energy\": "
			"{\"sde_pj\": 1, \"dram_pj\": 2}}", i ? "," : "", i / 21,
			i, i % 2 ? "vec" : "sde");
	fputs("]}\n", f);
	fclose(f);
	s = plot_script(bin, keep, "plot", "--report", path, "-o", dir, NULL);
	assert_non_null(s);
	assert_non_null(strstr(s, "'vit-b16-2of4 on sta: "));
	assert_null(strstr(s, "/somewhere"));
	assert_non_null(strstr(s, "set xtics ('0' 0, '1' 1)"));
	assert_non_null(strstr(s, "'42 ops, a bar per layer (ops lN.*); "));
	/* latency: engine and vector busy, stalled on top; energy by unit */
	assert_non_null(strstr(s, "title 'engine busy'"));
	assert_non_null(strstr(s, "title 'vector busy'"));
	assert_non_null(strstr(s, "title 'stalled'"));
	assert_non_null(strstr(s, "title 'engine'"));
	assert_non_null(strstr(s, "title 'DRAM'"));
	assert_true(strstr(s, "title 'stalled'") > strstr(s, "title 'vector "
							     "busy'"));
	assert_non_null(strstr(s, "set ylabel 'latency (\xc2\xb5s)'"));
	assert_null(strstr(s, "\nset logscale"));
	rm_tree(dir);
	rm_tree(bin);
	rm_tree(keep);
}

/* ---------------------------------------------------------------------- */
/* Options (sim/opt.h), for every command of this suite and also sweep,
 * merge and import-scalesim, whose --help needs no fixture               */

/* Is name ("--x", "-o") in an option line of help, with a meaning after
 * it (two blanks, then text, on the same line)? */
static int listed(const char *help, const char *name)
{
	const char *p, *eol, *gap;
	size_t n = strlen(name);

	for (p = strstr(help, "\noptions:\n"); p && (p = strstr(p, name));
	     p += n) {
		if (p[-1] != ' ' || !strchr(" ,\n", p[n]))
			continue;
		eol = strchr(p, '\n');
		gap = strstr(p, "  ");
		if (!eol || !gap || gap > eol)
			continue;
		gap += strspn(gap, " ");
		return gap < eol;
	}
	return 0;
}

/* Lines after "options:" up to the end. */
static int option_lines(const char *help)
{
	const char *p = strstr(help, "\noptions:\n");
	int n = 0;

	assert_non_null(p);
	for (p += strlen("\noptions:\n"); (p = strchr(p, '\n')); p++)
		n++;
	return n;
}

/* --help and -h of every command: exit 0, the same text on stdout only,
 * starting with the usage line, each expected option with its meaning. */
static void test_help(void **state)
{
	static const struct {
		cmd_fn fn;		/* the command */
		const char *name;	/* its word */
		int rows;		/* option lines, -h included */
		const char *opts[14];	/* every option it must list */
	} cmds[] = {
		{ pareto_cmd, "pareto", 7, { "--x", "--y", "--objectives",
		  "--where", "--format", "-o", "--output", "-h", "--help" } },
		{ table_cmd, "table", 10, { "--rows", "--cols", "--baseline",
		  "--metric", "--where", "--format", "--caption", "--label",
		  "-o", "--output", "-h", "--help" } },
		{ plot_cmd, "plot", 8, { "--x", "--y", "--by", "--where",
		  "--report", "--format", "-o", "--output", "-h", "--help" } },
		{ sweep_cmd, "sweep", 4, { "-j", "--jobs", "-o", "--output",
		  "--shard", "-h", "--help" } },
		{ merge_cmd, "merge", 2, { "-o", "--output", "-h", "--help" } },
		{ import_scalesim_cmd, "import-scalesim", 3, { "--nm", "-o",
		  "--output", "-h", "--help" } },
	};
	static char help[sizeof out_buf];
	char usage[64];
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		assert_int_equal(call(cmds[i].fn, cmds[i].name, "--help", NULL),
				 0);
		assert_string_equal(err_buf, "");
		snprintf(usage, sizeof usage, "usage: stasim %s ", cmds[i].name);
		assert_memory_equal(out_buf, usage, strlen(usage));
		for (k = 0; cmds[i].opts[k]; k++)
			if (!listed(out_buf, cmds[i].opts[k]))
				fail_msg("%s --help: no line for %s:\n%s",
					 cmds[i].name, cmds[i].opts[k], out_buf);
		assert_int_equal(option_lines(out_buf), cmds[i].rows);
		snprintf(help, sizeof help, "%s", out_buf);
		assert_int_equal(call(cmds[i].fn, cmds[i].name, "-h", NULL), 0);
		assert_string_equal(out_buf, help);
		assert_string_equal(err_buf, "");
	}
}

/* --opt=value and --opt value: the same bytes out. */
static void test_option_forms(void **state)
{
	static char first[sizeof out_buf], msg[sizeof err_buf];
	char path[256], dir[256], a[300], b[300], topo[1024];
	int rc;

	(void)state;
	tmp_file(path, sizeof path, ".csv", results_csv);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--x", "cycles",
			      "--y", "dram_bytes", "--where", "engine.rows=32",
			      "--format", "csv", NULL), 0);
	snprintf(first, sizeof first, "%s", out_buf);
	assert_int_equal(call(pareto_cmd, "pareto", "--x=cycles",
			      "--y=dram_bytes", "--where=engine.rows=32",
			      "--format=csv", path, NULL), 0);
	assert_string_equal(out_buf, first);
	assert_non_null(strstr(first, "\n5,deit,32,"));
	unlink(path);

	tmp_file(path, sizeof path, ".csv", table_csv);
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--baseline", "dense", "--metric",
			      "latency", "--where", "engine.rows=32", "--format",
			      "latex", NULL), 0);
	snprintf(first, sizeof first, "%s", out_buf);
	assert_int_equal(call(table_cmd, "table", path, "--rows=trace",
			      "--cols=nm", "--baseline=dense", "--metric=latency",
			      "--where=engine.rows=32", "--format=latex", NULL), 0);
	assert_string_equal(out_buf, first);
	unlink(path);

	/* plot: the printed paths (or the missing-gnuplot error) */
	tmp_file(path, sizeof path, ".csv", results_csv);
	tmp_dir(dir, sizeof dir);
	snprintf(a, sizeof a, "--output=%s", dir);
	rc = call(plot_cmd, "plot", path, "-o", dir, "--x", "cycles", NULL);
	snprintf(first, sizeof first, "%s", out_buf);
	snprintf(msg, sizeof msg, "%s", err_buf);
	assert_int_equal(call(plot_cmd, "plot", path, a, "--x=cycles", NULL),
			 rc);
	assert_string_equal(out_buf, first);
	assert_string_equal(err_buf, msg);
	rm_tree(dir);
	unlink(path);

	/* import-scalesim: the same trace, long or short spelling */
	src_path(topo, sizeof topo, "traces/scalesim/alexnet.csv");
	tmp_dir(dir, sizeof dir);
	snprintf(a, sizeof a, "%s/a.trace", dir);
	snprintf(b, sizeof b, "--output=%s/b.trace", dir);
	assert_int_equal(call(import_scalesim_cmd, "import-scalesim", topo,
			      "--nm", "2:4", "-o", a, NULL), 0);
	assert_int_equal(call(import_scalesim_cmd, "import-scalesim",
			      "--nm=2:4", b, topo, NULL), 0);
	snprintf(first, sizeof first, "%s", read_text(a));
	assert_string_equal(read_text(b + strlen("--output=")), first);
	assert_non_null(strstr(first, "nm=2:4"));
	rm_tree(dir);
}

/* After "--" every word is an operand, even one that looks like an option. */
static void test_double_dash(void **state)
{
	char path[256], dir[256], out[300];

	(void)state;
	tmp_file(path, sizeof path, ".csv", results_csv);
	assert_int_equal(call(pareto_cmd, "pareto", "--format", "csv", path,
			      NULL), 0);
	snprintf(out, sizeof out, "%.200s", out_buf);
	assert_int_equal(call(pareto_cmd, "pareto", "--format", "csv", "--",
			      path, NULL), 0);
	assert_memory_equal(out_buf, out, strlen(out));
	assert_int_equal(call(pareto_cmd, "pareto", "--", "--x", NULL), 2);
	assert_string_equal(err_buf, "stasim: --x: cannot open: No such file "
			    "or directory\n");
	assert_int_equal(call(pareto_cmd, "pareto", path, "--", "--x", NULL), 2);
	assert_non_null(strstr(err_buf, "one results file only"));
	assert_int_equal(call(table_cmd, "table", "--rows", "trace", "--cols",
			      "nm", "--", "--where", NULL), 2);
	assert_non_null(strstr(err_buf, "stasim: --where: cannot open"));
	tmp_dir(dir, sizeof dir);
	assert_int_equal(call(plot_cmd, "plot", "-o", dir, "--", "--report",
			      NULL), 2);
	assert_non_null(strstr(err_buf, "stasim: --report: cannot open"));
	snprintf(out, sizeof out, "%s/t.trace", dir);
	assert_int_equal(call(import_scalesim_cmd, "import-scalesim", "-o", out,
			      "--", "--nm", NULL), 2);
	assert_non_null(strstr(err_buf, "stasim: --nm: cannot open"));
	assert_int_equal(count_entries(dir), 0);
	rm_tree(dir);
	unlink(path);
}

/* Usage errors are one line on stderr, exit 2, naming the likely fix. */
static void test_suggestions(void **state)
{
	static const struct {
		cmd_fn fn;		/* the command */
		const char *args[6];	/* after the results file */
		const char *want;	/* in the one line */
	} cases[] = {
		{ table_cmd, { "--rows", "trace", "--cols", "nm", "--format",
		  "tex" }, "--format: 'tex' is not md, latex or csv; did you "
		  "mean 'latex'?" },
		{ table_cmd, { "--rows", "trace", "--cols", "nm", "--metric",
		  "lat" }, ":1: lat: no such column; did you mean "
		  "'latency_us'?" },
		{ pareto_cmd, { "--format", "text" }, "--format: 'text' is not "
		  "txt, csv or md; did you mean 'txt'?" },
		{ pareto_cmd, { "--format", "xml" }, "--format: 'xml' is not "
		  "txt, csv or md (see" },
		{ pareto_cmd, { "--wehre", "trace=vit" }, "unknown option "
		  "'--wehre'; did you mean '--where KEY=VALUE'?" },
		{ table_cmd, { "--rows", "trace", "--colls", "nm" }, "unknown "
		  "option '--colls'; did you mean '--cols KEY'?" },
		{ plot_cmd, { "--reprot", "r.json" }, "unknown option "
		  "'--reprot'; did you mean '--report REPORT.json'?" },
		{ import_scalesim_cmd, { "--mn", "2:4" }, "unknown option "
		  "'--mn'; did you mean '--nm N:M'?" },
		{ pareto_cmd, { "--where" }, "option '--where' needs a value" },
	};
	char path[256];
	size_t i;

	(void)state;
	tmp_file(path, sizeof path, ".csv", table_csv);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *const *a = cases[i].args;

		assert_int_equal(call(cases[i].fn, "cmd", path, a[0], a[1], a[2],
				      a[3], a[4], a[5], NULL), 2);
		if (!strstr(err_buf, cases[i].want))
			fail_msg("case %zu: got '%s', want '%s'", i, err_buf,
				 cases[i].want);
		assert_memory_equal(err_buf, "stasim: ", 8);
		assert_one_line(err_buf);
		assert_string_equal(out_buf, "");
	}
	unlink(path);
}

/* A column that is not in the file: the nearest one is suggested. */
static void test_column_suggestions(void **state)
{
	char path[256];

	(void)state;
	tmp_file(path, sizeof path, ".csv", table_csv);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--x", "latency",
			      NULL), 2);
	assert_non_null(strstr(err_buf, ":1: latency: no such column; did you "
			       "mean 'latency_us'? (the header has: point,"));
	assert_int_equal(call(table_cmd, "table", path, "--rows", "traces",
			      "--cols", "nm", NULL), 2);
	assert_non_null(strstr(err_buf, ":1: traces: no such column; did you "
			       "mean 'trace'?"));
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "nm", "--where", "engine_rows=32", NULL),
			 2);
	assert_non_null(strstr(err_buf, "did you mean 'engine.rows'?"));
	assert_int_equal(call(plot_cmd, "plot", path, "-o", "/nonexistent/d",
			      "--y", "energy", NULL), 2);
	assert_non_null(strstr(err_buf, "did you mean 'energy_pj'?"));
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "sparsity", NULL), 2);
	assert_non_null(strstr(err_buf, ":1: sparsity: no such column (the "));
	assert_one_line(err_buf);
	unlink(path);
}

/*
 * Sweeps name traces by the path in their spec. --where trace= takes the
 * whole path, its file name or the file name without .trace.gz, or any
 * tail of the path after a '/'; never a part of a name.
 *   row 0 (100, 50), row 1 (200, 40): vit-b16-1of1, both on its front
 *   row 2, 3: another trace; row 4 (1, 1): big-vit-b16-1of1, would
 *   dominate both if "vit-b16-1of1" matched inside its name
 */
static const char traces_csv[] =
	"point,trace,engine.rows,latency_us,energy_pj,status,error\n"
	"0,../../traces/nm/vit-b16-1of1.trace.gz,16,100,50,ok,\n"
	"1,../../traces/nm/vit-b16-1of1.trace.gz,32,200,40,ok,\n"
	"2,../../traces/nm/vit-b16-2of4.trace.gz,16,50,20,ok,\n"
	"3,../../traces/nm/vit-b16-2of4.trace.gz,32,60,10,ok,\n"
	"4,../../traces/nm/big-vit-b16-1of1.trace.gz,16,1,1,ok,\n";

static void test_where_trace_name(void **state)
{
	static const char *const names[] = {
		"trace=vit-b16-1of1.trace.gz", "trace=vit-b16-1of1",
		"trace=nm/vit-b16-1of1", "trace=traces/nm/vit-b16-1of1.trace.gz",
	};
	static char full[sizeof out_buf];
	char path[256];
	size_t i;

	(void)state;
	tmp_file(path, sizeof path, ".csv", traces_csv);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--format", "csv",
			      "--where",
			      "trace=../../traces/nm/vit-b16-1of1.trace.gz",
			      NULL), 0);
	snprintf(full, sizeof full, "%s", out_buf);
	assert_string_equal(strchr(full, '\n'),
		"\n0,../../traces/nm/vit-b16-1of1.trace.gz,16,100,50,ok,\n"
		"1,../../traces/nm/vit-b16-1of1.trace.gz,32,200,40,ok,\n");
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		assert_int_equal(call(pareto_cmd, "pareto", path, "--format",
				      "csv", "--where", names[i], NULL), 0);
		if (strcmp(out_buf, full))
			fail_msg("%s: got\n%s", names[i], out_buf);
	}
	/* the table's rows too: one trace, both array sizes */
	assert_int_equal(call(table_cmd, "table", path, "--rows", "trace",
			      "--cols", "engine.rows", "--metric", "latency",
			      "--where", "trace=vit-b16-1of1", NULL), 0);
	assert_non_null(strstr(out_buf, "\n| vit-b16-1of1 | 0.100 | 0.200 |\n"));
	assert_null(strstr(out_buf, "2of4"));
	/* part of a name, or of a directory's name: nothing */
	assert_int_equal(call(pareto_cmd, "pareto", path, "--where",
			      "trace=1of1", NULL), 2);
	assert_non_null(strstr(err_buf, "--where: no row has trace=1of1"));
	assert_int_equal(call(pareto_cmd, "pareto", path, "--where",
			      "trace=m/vit-b16-1of1", NULL), 2);
	unlink(path);

	/* one name, two traces: ambiguous, the path settles it */
	tmp_file(path, sizeof path, ".csv", "trace,latency_us,energy_pj,status\n"
		 "a/vit.trace.gz,1,2,ok\nb/vit.trace.gz,3,1,ok\n");
	assert_int_equal(call(pareto_cmd, "pareto", path, "--where",
			      "trace=vit", NULL), 2);
	assert_non_null(strstr(err_buf, "--where: trace=vit matches two traces, "
			       "'a/vit.trace.gz' and 'b/vit.trace.gz'"));
	assert_one_line(err_buf);
	assert_int_equal(call(pareto_cmd, "pareto", path, "--format", "csv",
			      "--where", "trace=b/vit", NULL), 0);
	assert_string_equal(out_buf, "trace,latency_us,energy_pj,status\n"
			    "b/vit.trace.gz,3,1,ok\n");
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pareto_front),
		cmocka_unit_test(test_pareto_three),
		cmocka_unit_test(test_pareto_output_file),
		cmocka_unit_test(test_pareto_malformed),
		cmocka_unit_test(test_table_md),
		cmocka_unit_test(test_table_latex),
		cmocka_unit_test(test_table_spec_order),
		cmocka_unit_test(test_table_baseline_key),
		cmocka_unit_test(test_table_labels),
		cmocka_unit_test(test_table_errors),
		cmocka_unit_test(test_plot_results),
		cmocka_unit_test(test_plot_report),
		cmocka_unit_test(test_plot_bad_report),
		cmocka_unit_test(test_plot_no_gnuplot),
		cmocka_unit_test(test_plot_gnuplot_fails),
		cmocka_unit_test(test_plot_script),
		cmocka_unit_test(test_plot_ops_script),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_option_forms),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_suggestions),
		cmocka_unit_test(test_column_suggestions),
		cmocka_unit_test(test_where_trace_name),
	};

	return cmocka_run_group_tests_name("analysis", tests, NULL, NULL);
}
