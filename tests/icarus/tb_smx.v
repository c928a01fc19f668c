/*
 * tb_smx.v - replays a co-simulation stimulus file on rtl/smx.v under Icarus
 * and checks every cycle against the expected outputs.
 *
 * The files come from `smx_cosim --write-vectors DIR` (format in
 * sim/cosim/smx_cosim.h and tests/icarus/README.md): DIR/stim.txt holds
 * the input ports for every clock, reset window included, and
 * DIR/expect.txt the outputs expected after each clock from cycle 0 on
 * (models/fu.c's registered outputs, the score reads and probability
 * beats of rtl/smx.v's schedule with smx_row's probabilities, of the
 * files' algorithm: online or ita, ALGORITHM 0 or 1, and the online data
 * path's debug ports: running max and sum, the reciprocal so far). The bench
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
 * after building with the unit parameters of the files (-Ptb_smx.LANES=2,
 * and -Ptb_smx.ALGORITHM=1 for ita vectors), which the bench checks against
 * both headers. tests/icarus/tb_common.vh has the replay loop, the reports
 * and the exit status.
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
	/* the bench's name in the reports and its stim line's fields (tb_common.vh) */
	localparam [8*3-1:0] UNIT        = "smx";
	localparam integer   STIM_FIELDS = 11;
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
	/* debug ports (online; 0 with ita): running max and sum, reciprocal */
	localparam integer DBG_S_BITS = 41;
	localparam integer DBG_R_BITS = 25;
	/* widest value a mismatch report prints */
	localparam integer REP_BITS = (X_BITS > DBG_S_BITS) ? X_BITS : DBG_S_BITS;

`include "tests/icarus/tb_common.vh"

	/* ---- the device, its other ports ---- */
	reg  [RB-1:0]       cmd_rows;
	reg  [NB-1:0]       cmd_cols;
	reg  [KC_BITS-1:0]  cmd_kcycles;
	reg  [4:0]          cmd_in_frac;
	reg                 cmd_ita_eps32;
	reg  [X_BITS-1:0]   x_data;
	wire                x_rd;
	wire [RIB-1:0]      x_row;
	wire [CIB-1:0]      x_col;
	wire                out_valid;
	wire [RIB-1:0]      out_row;
	wire [CIB-1:0]      out_col;
	wire [X_BITS-1:0]   out_p;
	wire                p_valid;	/* fused: never valid, not compared */
	wire [X_BITS-1:0]   p_data;
	wire [7:0]          dbg_b;
	wire [DBG_S_BITS-1:0] dbg_s;
	wire [DBG_R_BITS-1:0] dbg_r;
	/* no fused front end: its inputs tied to 0 */
	wire                cmd_fused = 1'b0, d_valid = 1'b0, f_valid = 1'b0;
	wire [FRB-1:0]      cmd_r0 = {FRB{1'b0}}, d_row = {FRB{1'b0}}, f_row = {FRB{1'b0}};
	wire [NB-1:0]       d_col = {NB{1'b0}}, d_n = {NB{1'b0}}, f_col = {NB{1'b0}},
			    f_k0 = {NB{1'b0}}, f_klen = {NB{1'b0}};
	wire [CB-1:0]       d_cnt = {CB{1'b0}}, f_cnt = {CB{1'b0}};
	wire [4:0]          d_frac = 5'd0, f_frac = 5'd0;
	wire [X_BITS-1:0]   d_data = {X_BITS{1'b0}};

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
	) dut (.*);	/* every port on the signal of its name */

	/* ---- the rest of one expect line ---- */
	reg                 e_x_rd, e_out_valid;
	reg  [RIB-1:0]      e_x_row, e_out_row;
	reg  [CIB-1:0]      e_x_col, e_out_col;
	reg  [X_BITS-1:0]   e_out_p;
	reg  [7:0]          e_dbg_b;
	reg  [DBG_S_BITS-1:0] e_dbg_s;
	reg  [DBG_R_BITS-1:0] e_dbg_r;

	/* ---- this bench's counters ---- */
	integer reads;			/* score reads compared */
	integer beats;			/* probability beats compared */
	integer tiles;			/* wb_done pulses compared */

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
			n = $fscanf(fe, " %d %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h",
				    e_cycle, e_cmd_ready, e_active, e_rd_valid,
				    e_rd_flags, e_rd_op, e_wb_valid, e_wb_flags,
				    e_wb_op, e_x_rd, e_x_row, e_x_col, e_out_valid,
				    e_out_row, e_out_col, e_out_p, e_dbg_b, e_dbg_s,
				    e_dbg_r);
			check_fu(19);
			expect_port("x_rd", 1'b1, e_x_rd, x_rd);
			expect_port("x_row", e_x_rd, e_x_row, x_row);
			expect_port("x_col", e_x_rd, e_x_col, x_col);
			expect_port("out_valid", 1'b1, e_out_valid, out_valid);
			expect_port("out_row", e_out_valid, e_out_row, out_row);
			expect_port("out_col", e_out_valid, e_out_col, out_col);
			expect_port("out_p", e_out_valid, e_out_p, out_p);
			expect_port("dbg_b", 1'b1, e_dbg_b, dbg_b);
			expect_port("dbg_s", 1'b1, e_dbg_s, dbg_s);
			expect_port("dbg_r", 1'b1, e_dbg_r, dbg_r);
			reads = reads + e_x_rd;
			beats = beats + e_out_valid;
			tiles = tiles + e_wb_valid;
			compared = compared + 1;
		end
	endtask

	/* One stim line into the input registers; n is the fields read. */
	task automatic read_stim;
		n = $fscanf(fs, " %d %h %h %h %h %h %h %h %h %h %h",
			    s_cycle, rst_l, cmd_valid, cmd_flags, cmd_op,
			    cmd_rows, cmd_cols, cmd_kcycles, cmd_in_frac,
			    cmd_ita_eps32, x_data);
	endtask

	initial begin
		open_vectors;
		header(fs, "stim", stim_path, reset_lines);
		header(fe, "expect", expect_path, e_reset);
		if (e_reset != reset_lines)
			$fatal(1, "icarus smx: the headers disagree (reset %0d, %0d)",
			       reset_lines, e_reset);
		reads = 0;
		beats = 0;
		tiles = 0;
		replay;
		if (compared == 0 || beats == 0)
			$fatal(1, "icarus smx: nothing compared (%0d cycles, %0d beats)", compared, beats);
		$display("icarus smx: PASS cycles=%0d compared=%0d ticks=%0d tiles=%0d score_reads=%0d prob_beats=%0d seed=%0d algorithm=%0d lanes=%0d exp_latency=%0d recip_latency=%0d dividers=%0d div_latency=%0d rows<=%0d n<=%0d",
			 e_cycle, compared, ticks, tiles, reads, beats, seed,
			 ALGORITHM, LANES, EXP_LATENCY, RECIP_LATENCY, DIVIDERS,
			 DIV_LATENCY, ROWS, N_MAX);
		close_vectors;
	end
endmodule

`default_nettype wire
