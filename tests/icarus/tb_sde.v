/*
 * tb_sde.v - replays a co-simulation stimulus file on rtl/sde.v under Icarus
 * and checks every cycle against the C model's expected outputs.
 *
 * The files come from `sde_cosim --write-vectors DIR` (format in
 * sim/cosim/sde_cosim.h and tests/icarus/README.md): DIR/stim.txt holds the
 * input ports for every clock, reset window included, and DIR/expect.txt the
 * outputs models/sde.c expects after each clock from cycle 0 on. The bench
 * does what the Verilator harness (sim/cosim/cosim_main.h, tick()) does:
 * it changes the inputs while clk is high, lowers clk, raises it, and reads
 * the registered outputs after that edge; then it compares them with the
 * rules of sde_cosim_check. It does not react to the RTL: the stimulus is a
 * plain file, replayed unchanged (docs/rtl.md, STYLE.md rule 11).
 *
 * Run:  vvp -n tb_sde.vvp +stim=DIR/stim.txt +expect=DIR/expect.txt,
 * built with the array parameters of the files (e.g. -Ptb_sde.ROWS=4),
 * which it checks against both headers. The replay loop, the reports and
 * the exit status are tests/icarus/tb_common.vh's.
 */
`default_nettype none

module tb_sde #(
	parameter integer ROWS        = 4,	/* as rtl/sde.v and the vector headers */
	parameter integer COLS        = 4,
	parameter integer N_MAX       = 2,
	parameter integer M_MAX       = 8,
	parameter integer ACT_BITS    = 8,
	parameter integer WEIGHT_BITS = 8
) ();
	/* for tb_common.vh: the name in the reports, the fields of a stim line */
	localparam [8*3-1:0] UNIT        = "sde";
	localparam integer   STIM_FIELDS = 17;
	/* rtl/sde.v's defaults, which the harness leaves alone */
	localparam integer OP_BITS    = 32;
	localparam integer KC_BITS    = 16;
	localparam integer CPR_BITS   = 3;
	localparam integer SHIFT_BITS = 6;
	/* port widths, as in rtl/sde.v */
	localparam integer WIN    = (M_MAX > N_MAX) ? M_MAX : N_MAX;
	localparam integer SB     = (M_MAX > 1) ? $clog2(M_MAX) : 1;
	localparam integer RIB    = (ROWS > 1) ? $clog2(ROWS) : 1;
	localparam integer RB     = $clog2(ROWS + 1);
	localparam integer CB     = $clog2(COLS + 1);
	localparam integer NB     = $clog2(N_MAX + 1);
	localparam integer MB     = $clog2(M_MAX + 1);
	localparam integer A_BITS = ROWS * WIN * ACT_BITS;
	localparam integer W_BITS = COLS * N_MAX * WEIGHT_BITS;
	localparam integer I_BITS = COLS * N_MAX * SB;
	localparam integer O_BITS = COLS * ACT_BITS;
	localparam integer D_BITS = COLS * 32;	/* dbg_acc: an int32 a column */
	/* widest value a mismatch report prints (D_BITS > O_BITS: ACT_BITS <= 16) */
	localparam integer REP_BITS = (D_BITS > OP_BITS) ? D_BITS : OP_BITS;

`include "tests/icarus/tb_common.vh"

	/* ---- the device, its other ports ---- */
	reg                 acc_db;
	reg  [RB-1:0]       cmd_rows;
	reg  [CB-1:0]       cmd_cols;
	reg  [KC_BITS-1:0]  cmd_kcycles;
	reg  [CPR_BITS-1:0] cmd_drain_cpr;
	reg                 cmd_dense;
	reg  [NB-1:0]       cmd_nm_n;
	reg  [MB-1:0]       cmd_nm_m;
	reg  [SHIFT_BITS-1:0] cmd_shift;
	reg  [A_BITS-1:0]   op_a;
	reg  [W_BITS-1:0]   op_w;
	reg  [I_BITS-1:0]   op_idx;
	wire                op_rd;
	wire [KC_BITS-1:0]  op_slice;
	wire                out_valid;
	wire [RIB-1:0]      out_row;
	wire [O_BITS-1:0]   out_data;
	wire [D_BITS-1:0]   dbg_acc;

	sde #(
		.ROWS(ROWS),
		.COLS(COLS),
		.N_MAX(N_MAX),
		.M_MAX(M_MAX),
		.ACT_BITS(ACT_BITS),
		.WEIGHT_BITS(WEIGHT_BITS)
	) dut (.*);	/* every port on the signal of its name */

	/* ---- the rest of one expect line ---- */
	reg                 e_op_rd, e_out_valid;
	reg  [KC_BITS-1:0]  e_op_slice;
	reg  [RIB-1:0]      e_out_row;
	reg  [O_BITS-1:0]   e_out_data;
	reg  [D_BITS-1:0]   e_dbg_acc;

	/* ---- this bench's counters ---- */
	integer rows;			/* write-back rows compared */
	integer functional;		/* 1: out_data and dbg_acc are compared */
	integer e_functional;		/* the same field of expect.txt */

	/* Read one header line of fd, check it names this bench's array and
	 * return its reset and functional fields. */
	task automatic header(input integer fd, input [8*8-1:0] kind,
			      input [8*1024-1:0] path, output integer reset,
			      output integer func);
		integer r, c, nm, mm, ab, wb, kb, cb, sb, got;
		reg [8*8-1:0] k;
		begin
			got = $fgets(line, fd);
			n = $sscanf(line, "# sde %s ROWS=%d COLS=%d N_MAX=%d M_MAX=%d ACT_BITS=%d WEIGHT_BITS=%d KC_BITS=%d CPR_BITS=%d SHIFT_BITS=%d reset=%d functional=%d seed=%d",
				    k, r, c, nm, mm, ab, wb, kb, cb, sb, reset, func, seed);
			if (got == 0 || n != 13 || k != kind)
				$fatal(1, "icarus sde: %0s: not a '# sde %0s' header line", path, kind);
			if (r != ROWS || c != COLS || nm != N_MAX || mm != M_MAX ||
			    ab != ACT_BITS || wb != WEIGHT_BITS || kb != KC_BITS ||
			    cb != CPR_BITS || sb != SHIFT_BITS)
				$fatal(1, "icarus sde: %0s is for ROWS=%0d COLS=%0d N_MAX=%0d M_MAX=%0d ACT_BITS=%0d WEIGHT_BITS=%0d KC_BITS=%0d CPR_BITS=%0d SHIFT_BITS=%0d, the bench for ROWS=%0d COLS=%0d N_MAX=%0d M_MAX=%0d ACT_BITS=%0d WEIGHT_BITS=%0d KC_BITS=%0d CPR_BITS=%0d SHIFT_BITS=%0d",
				       path, r, c, nm, mm, ab, wb, kb, cb, sb, ROWS, COLS,
				       N_MAX, M_MAX, ACT_BITS, WEIGHT_BITS, KC_BITS,
				       CPR_BITS, SHIFT_BITS);
		end
	endtask

	/* Compare the outputs after a clock with the next expect line, under
	 * sde_cosim_check's rules. */
	task automatic check;
		begin
			n = $fscanf(fe, " %d %h %h %h %h %h %h %h %h %h %h %h %h %h %h",
				    e_cycle, e_cmd_ready, e_active, e_rd_valid,
				    e_rd_flags, e_rd_op, e_wb_valid, e_wb_flags,
				    e_wb_op, e_op_rd, e_op_slice, e_out_valid,
				    e_out_row, e_out_data, e_dbg_acc);
			check_fu(15);
			expect_port("op_rd", 1'b1, e_op_rd, op_rd);
			expect_port("op_slice", e_op_rd, e_op_slice, op_slice);
			expect_port("out_valid", 1'b1, e_out_valid, out_valid);
			expect_port("out_row", e_out_valid, e_out_row, out_row);
			expect_port("out_data", e_out_valid && functional != 0, e_out_data, out_data);
			expect_port("dbg_acc", e_out_valid && functional != 0, e_dbg_acc, dbg_acc);
			rows = rows + e_out_valid;
			compared = compared + 1;
		end
	endtask

	/* One stim line into the input registers; n is the fields read. */
	task automatic read_stim;
		n = $fscanf(fs, " %d %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h",
			    s_cycle, rst_l, acc_db, cmd_valid, cmd_flags, cmd_op,
			    cmd_rows, cmd_cols, cmd_kcycles, cmd_drain_cpr,
			    cmd_dense, cmd_nm_n, cmd_nm_m, cmd_shift, op_a, op_w,
			    op_idx);
	endtask

	initial begin
		open_vectors;
		header(fs, "stim", stim_path, reset_lines, functional);
		header(fe, "expect", expect_path, e_reset, e_functional);
		if (e_reset != reset_lines || e_functional != functional)
			$fatal(1, "icarus sde: the headers disagree (reset %0d, %0d; functional %0d, %0d)",
			       reset_lines, e_reset, functional, e_functional);
		rows = 0;
		replay;
		if (compared == 0)
			$fatal(1, "icarus sde: no cycle compared");
		$display("icarus sde: PASS cycles=%0d compared=%0d ticks=%0d rows=%0d mode=%0s seed=%0d array=%0dx%0d n_max=%0d m_max=%0d act=%0d w=%0d",
			 e_cycle, compared, ticks, rows, functional ? "functional" : "timing",
			 seed, ROWS, COLS, N_MAX, M_MAX, ACT_BITS, WEIGHT_BITS);
		close_vectors;
	end
endmodule

`default_nettype wire
