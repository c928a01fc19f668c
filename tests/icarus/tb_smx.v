/*
 * tb_smx.v - replays a co-simulation stimulus file on rtl/smx.v under Icarus
 * and checks every cycle against the expected outputs.
 *
 * The files come from `smx_cosim --write-vectors DIR` (format in
 * sim/cosim/smx_cosim.h and tests/icarus/README.md): DIR/stim.txt holds
 * the input ports for every clock, reset window included, and
 * DIR/expect.txt the outputs expected after each clock from cycle 0 on
 * (models/fu.c's registered outputs, and the score reads and probability
 * beats of rtl/smx.v's schedule with smx_row's probabilities, of the
 * files' algorithm: online or ita, ALGORITHM 0 or 1). The bench
 * does what the Verilator harness (sim/cosim/cosim_main.h, tick()) does:
 * it changes the inputs while clk is high, lowers clk, raises it, and reads
 * the registered outputs after that edge; then it compares them. It does
 * not react to the RTL: the recorded x_data is replayed whatever x_rd
 * says, and x_rd, x_row and x_col are compared instead. The unit has no
 * fused front end here (FUSED_ROWS 1, as the vector files): its drain and
 * fetch inputs and cmd_fused are tied to 0, p_valid and p_data left unread
 * (smx_cosim --fused checks them under Verilator).
 *
 * Run:  vvp -n tb_smx.vvp +stim=DIR/stim.txt +expect=DIR/expect.txt
 * Build with the unit parameters of the files, e.g. -Ptb_smx.LANES=2 and
 * -Ptb_smx.ALGORITHM=1 for ita vectors; the bench checks them against both
 * headers. Exit status: 0 after
 * "icarus smx: PASS", 1 ($fatal) at the first mismatch or bad file.
 *
 * Invariant: stim line for cycle s drives the clock that ends cycle s; the
 * expect line for cycle s + 1 is compared right after that clock, for every
 * s >= -1 (cycle 0 follows the last reset clock).
 */
`default_nettype none

module tb_smx #(
	parameter integer ALGORITHM     = 0,	/* as rtl/smx.v and the vector headers */
	parameter integer LANES         = 2,
	parameter integer EXP_LATENCY   = 2,
	parameter integer RECIP_LATENCY = 8,
	parameter integer DIVIDERS      = 2,
	parameter integer DIV_LATENCY   = 19,
	parameter integer ROWS          = 512,
	parameter integer N_MAX         = 4096
) ();
	/* rtl/smx.v's defaults, which the harness leaves alone */
	localparam integer OP_BITS    = 32;
	localparam integer KC_BITS    = 24;
	localparam integer FUSED_ROWS = 1;	/* no score buffer */
	/* port widths, as in rtl/smx.v */
	localparam integer CMAX   = (N_MAX + LANES - 1) / LANES;
	localparam integer RIB    = (ROWS > 1) ? $clog2(ROWS) : 1;
	localparam integer CIB    = (CMAX > 1) ? $clog2(CMAX) : 1;
	localparam integer RB     = $clog2(ROWS + 1);
	localparam integer NB     = $clog2(N_MAX + 1);
	localparam integer X_BITS = LANES * 8;
	localparam integer FRB    = (FUSED_ROWS > 1) ? $clog2(FUSED_ROWS) : 1;	/* d_row, f_row, cmd_r0 */
	localparam integer CB     = $clog2(LANES + 1);	/* d_cnt, f_cnt */
	/* widest value a mismatch report prints */
	localparam integer REP_BITS = (X_BITS > OP_BITS) ? X_BITS : OP_BITS;

	/* ---- the device and its ports ---- */
	reg                 clk;
	reg                 rst_l;
	reg                 cmd_valid;
	reg  [4:0]          cmd_flags;
	reg  [OP_BITS-1:0]  cmd_op;
	reg  [RB-1:0]       cmd_rows;
	reg  [NB-1:0]       cmd_cols;
	reg  [KC_BITS-1:0]  cmd_kcycles;
	reg  [4:0]          cmd_in_frac;
	reg                 cmd_ita_eps32;
	reg  [X_BITS-1:0]   x_data;
	wire                cmd_ready;
	wire                active;
	wire                rd_done_valid;
	wire [4:0]          rd_done_flags;
	wire [OP_BITS-1:0]  rd_done_op;
	wire                wb_done_valid;
	wire [4:0]          wb_done_flags;
	wire [OP_BITS-1:0]  wb_done_op;
	wire                x_rd;
	wire [RIB-1:0]      x_row;
	wire [CIB-1:0]      x_col;
	wire                out_valid;
	wire [RIB-1:0]      out_row;
	wire [CIB-1:0]      out_col;
	wire [X_BITS-1:0]   out_p;
	wire                p_valid;	/* fused: never valid, not compared */
	wire [X_BITS-1:0]   p_data;

	smx #(
		.LANES(LANES),
		.ALGORITHM(ALGORITHM),
		.EXP_LATENCY(EXP_LATENCY),
		.RECIP_LATENCY(RECIP_LATENCY),
		.DIVIDERS(DIVIDERS),
		.DIV_LATENCY(DIV_LATENCY),
		.ROWS(ROWS),
		.N_MAX(N_MAX),
		.FUSED_ROWS(FUSED_ROWS)
	) dut (
		.clk(clk),
		.rst_l(rst_l),
		.cmd_valid(cmd_valid),
		.cmd_ready(cmd_ready),
		.cmd_flags(cmd_flags),
		.cmd_op(cmd_op),
		.cmd_rows(cmd_rows),
		.cmd_cols(cmd_cols),
		.cmd_kcycles(cmd_kcycles),
		.cmd_in_frac(cmd_in_frac),
		.cmd_ita_eps32(cmd_ita_eps32),
		.cmd_fused(1'b0),
		.cmd_r0({FRB{1'b0}}),
		.active(active),
		.rd_done_valid(rd_done_valid),
		.rd_done_flags(rd_done_flags),
		.rd_done_op(rd_done_op),
		.wb_done_valid(wb_done_valid),
		.wb_done_flags(wb_done_flags),
		.wb_done_op(wb_done_op),
		.x_rd(x_rd),
		.x_row(x_row),
		.x_col(x_col),
		.x_data(x_data),
		.out_valid(out_valid),
		.out_row(out_row),
		.out_col(out_col),
		.out_p(out_p),
		.d_valid(1'b0),
		.d_row({FRB{1'b0}}),
		.d_col({NB{1'b0}}),
		.d_cnt({CB{1'b0}}),
		.d_n({NB{1'b0}}),
		.d_frac(5'd0),
		.d_data({X_BITS{1'b0}}),
		.f_valid(1'b0),
		.f_row({FRB{1'b0}}),
		.f_col({NB{1'b0}}),
		.f_k0({NB{1'b0}}),
		.f_klen({NB{1'b0}}),
		.f_cnt({CB{1'b0}}),
		.f_frac(5'd0),
		.p_valid(p_valid),
		.p_data(p_data)
	);

	/* ---- one expect line ---- */
	integer             e_cycle;
	reg                 e_cmd_ready, e_active, e_rd_valid, e_wb_valid;
	reg                 e_x_rd, e_out_valid;
	reg  [4:0]          e_rd_flags, e_wb_flags;
	reg  [OP_BITS-1:0]  e_rd_op, e_wb_op;
	reg  [RIB-1:0]      e_x_row, e_out_row;
	reg  [CIB-1:0]      e_x_col, e_out_col;
	reg  [X_BITS-1:0]   e_out_p;

	/* ---- files and counters ---- */
	reg [8*1024-1:0] stim_path, expect_path;	/* +stim=, +expect= */
	reg [8*4096-1:0] line;				/* a header line */
	integer fs, fe;			/* stim, expect file descriptors */
	integer n;			/* fields a $fscanf or $sscanf matched */
	integer s_cycle;		/* cycle of the stim line being driven */
	integer ticks;			/* stim lines clocked */
	integer compared;		/* expect lines compared */
	integer reads;			/* score reads compared */
	integer beats;			/* probability beats compared */
	integer tiles;			/* wb_done pulses compared */
	integer reset_lines;		/* reset clocks, from the headers */
	integer e_reset;		/* the same field of expect.txt */
	reg [63:0] seed;		/* for the reports */

	/* Stop at the first difference, in the C harness's words. */
	task automatic mismatch(input [8*32-1:0] port, input [REP_BITS-1:0] want,
				input [REP_BITS-1:0] got);
		$fatal(1, "icarus smx: MISMATCH at cycle %0d port %0s: expected 0x%0h, actual 0x%0h (seed %0d, %0s line %0d)",
		       e_cycle, port, want, got, seed, expect_path, compared + 2);
	endtask

	/* Read one header line of fd, check it names this bench's unit and
	 * return its reset field. */
	task automatic header(input integer fd, input [8*8-1:0] kind,
			      input [8*1024-1:0] path, output integer reset);
		integer al, la, el, rl, dv, dl, r, nm, kb, got;
		reg [8*8-1:0] k;
		begin
			got = $fgets(line, fd);
			n = $sscanf(line, "# smx %s ALGORITHM=%d LANES=%d EXP_LATENCY=%d RECIP_LATENCY=%d DIVIDERS=%d DIV_LATENCY=%d ROWS=%d N_MAX=%d KC_BITS=%d reset=%d seed=%d",
				    k, al, la, el, rl, dv, dl, r, nm, kb, reset, seed);
			if (got == 0 || n != 12 || k != kind)
				$fatal(1, "icarus smx: %0s: not a '# smx %0s' header line", path, kind);
			if (al != ALGORITHM || la != LANES || el != EXP_LATENCY ||
			    rl != RECIP_LATENCY || dv != DIVIDERS || dl != DIV_LATENCY ||
			    r != ROWS || nm != N_MAX || kb != KC_BITS)
				$fatal(1, "icarus smx: %0s is for ALGORITHM=%0d LANES=%0d EXP_LATENCY=%0d RECIP_LATENCY=%0d DIVIDERS=%0d DIV_LATENCY=%0d ROWS=%0d N_MAX=%0d KC_BITS=%0d, the bench for ALGORITHM=%0d LANES=%0d EXP_LATENCY=%0d RECIP_LATENCY=%0d DIVIDERS=%0d DIV_LATENCY=%0d ROWS=%0d N_MAX=%0d KC_BITS=%0d",
				       path, al, la, el, rl, dv, dl, r, nm, kb, ALGORITHM,
				       LANES, EXP_LATENCY, RECIP_LATENCY, DIVIDERS,
				       DIV_LATENCY, ROWS, N_MAX, KC_BITS);
		end
	endtask

	/* Compare the outputs after a clock with the next expect line: valid
	 * bits always, their payloads only when valid. */
	task automatic check;
		begin
			n = $fscanf(fe, " %d %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h",
				    e_cycle, e_cmd_ready, e_active, e_rd_valid,
				    e_rd_flags, e_rd_op, e_wb_valid, e_wb_flags,
				    e_wb_op, e_x_rd, e_x_row, e_x_col, e_out_valid,
				    e_out_row, e_out_col, e_out_p);
			if (n != 16)
				$fatal(1, "icarus smx: %0s line %0d: expected 16 fields after cycle %0d, read %0d",
				       expect_path, compared + 2, s_cycle, n);
			if (e_cycle != s_cycle + 1)
				$fatal(1, "icarus smx: %0s line %0d: cycle %0d, but stim cycle %0d ends in cycle %0d",
				       expect_path, compared + 2, e_cycle, s_cycle, s_cycle + 1);
			if (cmd_ready !== e_cmd_ready)
				mismatch("cmd_ready", e_cmd_ready, cmd_ready);
			if (active !== e_active)
				mismatch("active", e_active, active);
			if (rd_done_valid !== e_rd_valid)
				mismatch("rd_done_valid", e_rd_valid, rd_done_valid);
			if (e_rd_valid && rd_done_flags !== e_rd_flags)
				mismatch("rd_done_flags", e_rd_flags, rd_done_flags);
			if (e_rd_valid && rd_done_op !== e_rd_op)
				mismatch("rd_done_op", e_rd_op, rd_done_op);
			if (wb_done_valid !== e_wb_valid)
				mismatch("wb_done_valid", e_wb_valid, wb_done_valid);
			if (e_wb_valid && wb_done_flags !== e_wb_flags)
				mismatch("wb_done_flags", e_wb_flags, wb_done_flags);
			if (e_wb_valid && wb_done_op !== e_wb_op)
				mismatch("wb_done_op", e_wb_op, wb_done_op);
			if (x_rd !== e_x_rd)
				mismatch("x_rd", e_x_rd, x_rd);
			if (e_x_rd && x_row !== e_x_row)
				mismatch("x_row", e_x_row, x_row);
			if (e_x_rd && x_col !== e_x_col)
				mismatch("x_col", e_x_col, x_col);
			if (out_valid !== e_out_valid)
				mismatch("out_valid", e_out_valid, out_valid);
			if (e_out_valid && out_row !== e_out_row)
				mismatch("out_row", e_out_row, out_row);
			if (e_out_valid && out_col !== e_out_col)
				mismatch("out_col", e_out_col, out_col);
			if (e_out_valid && out_p !== e_out_p)
				mismatch("out_p", e_out_p, out_p);
			reads = reads + e_x_rd;
			beats = beats + e_out_valid;
			tiles = tiles + e_wb_valid;
			compared = compared + 1;
		end
	endtask

	/* One stim line into the input registers; returns the fields read. */
	task automatic read_stim;
		n = $fscanf(fs, " %d %h %h %h %h %h %h %h %h %h %h",
			    s_cycle, rst_l, cmd_valid, cmd_flags, cmd_op,
			    cmd_rows, cmd_cols, cmd_kcycles, cmd_in_frac,
			    cmd_ita_eps32, x_data);
	endtask

	initial begin
		if (!$value$plusargs("stim=%s", stim_path))
			stim_path = "stim.txt";
		if (!$value$plusargs("expect=%s", expect_path))
			expect_path = "expect.txt";
		fs = $fopen(stim_path, "r");
		fe = $fopen(expect_path, "r");
		if (fs == 0 || fe == 0)
			$fatal(1, "icarus smx: cannot open %0s or %0s", stim_path, expect_path);
		header(fs, "stim", stim_path, reset_lines);
		header(fe, "expect", expect_path, e_reset);
		if (e_reset != reset_lines)
			$fatal(1, "icarus smx: the headers disagree (reset %0d, %0d)",
			       reset_lines, e_reset);
		ticks = 0;
		compared = 0;
		reads = 0;
		beats = 0;
		tiles = 0;
		clk = 1'b0;
		/* inputs of each clock, changed while clk is high */
		read_stim;
		while (!(n <= 0 && $feof(fs))) begin
			if (n != 11)
				$fatal(1, "icarus smx: %0s line %0d: expected 11 fields, read %0d",
				       stim_path, ticks + 2, n);
			if (s_cycle != ticks - reset_lines)
				$fatal(1, "icarus smx: %0s line %0d: cycle %0d, expected %0d",
				       stim_path, ticks + 2, s_cycle, ticks - reset_lines);
			/* tick(): falling, then rising edge; outputs read after it */
			#4 clk = 1'b0;
			#5 clk = 1'b1;
			#1;
			ticks = ticks + 1;
			if (s_cycle >= -1)
				check;
			read_stim;
		end
		n = $fscanf(fe, " %d", e_cycle);
		if (!(n <= 0 && $feof(fe)))
			$fatal(1, "icarus smx: %0s has lines beyond stim cycle %0d", expect_path, s_cycle);
		if (compared == 0 || beats == 0)
			$fatal(1, "icarus smx: nothing compared (%0d cycles, %0d beats)", compared, beats);
		$display("icarus smx: PASS cycles=%0d compared=%0d ticks=%0d tiles=%0d score_reads=%0d prob_beats=%0d seed=%0d algorithm=%0d lanes=%0d exp_latency=%0d recip_latency=%0d dividers=%0d div_latency=%0d rows<=%0d n<=%0d",
			 e_cycle, compared, ticks, tiles, reads, beats, seed,
			 ALGORITHM, LANES, EXP_LATENCY, RECIP_LATENCY, DIVIDERS,
			 DIV_LATENCY, ROWS, N_MAX);
		$fclose(fs);
		$fclose(fe);
		$finish;
	end
endmodule

`default_nettype wire
