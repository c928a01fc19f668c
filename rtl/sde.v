/*
 * sde.v - the sparse-dense engine: controller and output-stationary systolic
 * PE array, the RTL twin of models/sde.c (timing contract in models/sde.h,
 * formulas in docs/models.md "The sparse-dense engine").
 *
 * Controller. Four machines stepped in the C model's order inside one clock
 * (sde_step): 1 write-back (the output stage may put a row on the port and
 * retire a tile with wb_done; the read sequencer walks the rows of the tile
 * at the array), 2 start the oldest command of the 2-entry FIFO if the gap
 * rules allow, 3 stream one slice, 4 accept a command. Every output is a
 * register: what the machines compute in cycle t is on the port in t + 1.
 * With t_l the cycle the last slice of a tile (its LAST k-step) streams,
 * cpr = max(1, drain_cpr), PIPE = 3 + clog2(N_MAX) and
 * LAT = PIPE + 2 + COLS (sde_wb_latency):
 *   lgap  a LAST step starts in t only if t + kcycles - 1 >= t_l + rows*cpr
 *         (its shadows would overwrite rows the column buses still read)
 *         and fewer than FLIGHT tiles are in flight after this cycle's retire
 *   fgap  with acc_db = 0 a FIRST step starts only at t_l + 1 +
 *         (rows - 1)*(cpr - 1) or later (it clears accumulators still read)
 * both kept as down-counters of the cycles left (lgap_left, fgap_left).
 *
 * Operand feed. In stream cycle s the controller registers op_rd, op_slice
 * and the beat's control (first, last, dense, and the N:M pattern decoded
 * per multiplier); the feeder presents the slice during s + 1 (op_a, op_w,
 * op_idx, format below). The index decode is combinational in s + 1 and
 * lands in the top edge registers of the columns at the end of s + 1; the
 * activation windows and the control land in the left edge registers of the
 * rows. Row r's edge has r extra skew registers, column c's has c, and each
 * PE passes activations right and weights down through one register, so PE
 * (r, c) has the slice at its inputs in cycle s + 2 + r + c and accumulates
 * it at the end of s + 1 + PIPE + r + c (rtl/sde_pe.v: mux select,
 * multiply, adder tree, accumulate; the shadow takes a tile's last sum).
 *
 * Drain path. A tile entering flight at t_l pushes its descriptor (rows,
 * cols, cpr, shift, op, flags) into a ring of FLIGHT entries and a token
 * into a PIPE + 1 register delay line. The token leaves it in cycle
 * t_l + PIPE + 1, as PE (0, 0) accumulates the last slice; from then on
 * the read sequencer issues row r (read pointer: valid, row) in cycle
 * t_l + PIPE + 1 + r*cpr, and a done mark in the last cycle of the last
 * slot. The pointer goes down a chain of COLS + 1 registers, one per
 * column: column c reads row r of its PEs (an R:1 mux over the shadows if
 * acc_db, else the accumulators) into a register in t_l + PIPE + 2 +
 * r*cpr + c, right behind the accumulate wavefront; COLS - 1 - c deskew
 * registers line the columns up in t_l + LAT + r*cpr, where the chain's
 * last register meets them at the output stage, which requantizes and
 * registers the row: out_valid in t_l + LAT + 1 + r*cpr. The done mark
 * gives wb_done in t_l + LAT + rows*cpr and retires the ring's oldest tile.
 *
 * Operand beat (one k-slice for the whole array):
 *   op_a    row r, window position p  at [(r*WIN + p)*ACT_BITS +: ACT_BITS]
 *           sparse: positions g*M .. g*M+M-1 hold M-group g of the slice
 *           (the slice is gpc = min(N_MAX/N, M_MAX/M) consecutive groups,
 *           as nm_map packs them); dense: N_MAX consecutive activations
 *   op_w    column c, multiplier j     at [(c*N_MAX + j)*WEIGHT_BITS +: ...]
 *           sparse: j = g*N + i is the i-th kept weight of group g of the
 *           slice (nm_compress order); dense: weight of window position j
 *   op_idx  column c, multiplier j     at [(c*N_MAX + j)*IDX_BITS +: ...]
 *           sparse: nm_compress's position within its group (0 .. M-1)
 * Multipliers j >= gpc*N are unused in sparse mode and read as weight 0.
 * Write-back rows are requantized like sde_requant (round half up,
 * arithmetic shift, saturate to ACT_BITS); columns >= the tile's cols are 0
 * on out_data and dbg_acc.
 *
 * Invariant (as in the model): at most one k-step streams; tiles in flight
 * are written back in order and their write-back windows never overlap, so
 * the ring's oldest tile is the one at the output stage and the sequencer is
 * idle when a token arrives.
 */
`default_nettype none

module sde #(
	parameter integer ROWS        = 4,	/* PE rows: output rows per tile */
	parameter integer COLS        = 4,	/* PE columns: output columns per tile */
	parameter integer N_MAX       = 2,	/* multipliers per PE */
	parameter integer M_MAX       = 8,	/* inputs of each index mux */
	parameter integer ACT_BITS    = 8,	/* activation and output width, <= 16 */
	parameter integer WEIGHT_BITS = 8,	/* weight width, <= 16 */
	parameter integer OP_BITS     = 32,	/* op index carried for attribution */
	parameter integer KC_BITS     = 16,	/* stream cycles of one k-step */
	parameter integer CPR_BITS    = 3,	/* cycles per drained row */
	parameter integer SHIFT_BITS  = 6	/* requantization shift */
) (
	input  wire                                      clk,
	input  wire                                      rst_l,		/* synchronous reset */
	input  wire                                      acc_db,	/* 1: shadow accumulators let a tile drain under the next */
	/* command (struct unit_cmd; mode and shift come from cmd.data in the model) */
	input  wire                                      cmd_valid,
	output reg                                       cmd_ready,	/* FIFO not full */
	input  wire [4:0]                                cmd_flags,	/* UNIT_FIRST 0x01, UNIT_LAST 0x02, ... */
	input  wire [OP_BITS-1:0]                        cmd_op,
	input  wire [$clog2(ROWS+1)-1:0]                 cmd_rows,	/* 1 .. ROWS */
	input  wire [$clog2(COLS+1)-1:0]                 cmd_cols,	/* 1 .. COLS */
	input  wire [KC_BITS-1:0]                        cmd_kcycles,	/* stream cycles, >= 1 */
	input  wire [CPR_BITS-1:0]                       cmd_drain_cpr,	/* 0 or 1: a row per cycle */
	input  wire                                      cmd_dense,	/* operands dense: sel_j = j */
	input  wire [$clog2(N_MAX+1)-1:0]                cmd_nm_n,	/* sparse N, 1 .. N_MAX */
	input  wire [$clog2(M_MAX+1)-1:0]                cmd_nm_m,	/* sparse M, N < M <= M_MAX */
	input  wire [SHIFT_BITS-1:0]                     cmd_shift,	/* requantization shift, >= 1 */
	/* status and completion pulses (struct sde_out) */
	output reg                                       active,	/* streamed, or a tile was in flight, last cycle */
	output reg                                       rd_done_valid,	/* pulse: a k-step's operands are read */
	output reg  [4:0]                                rd_done_flags,
	output reg  [OP_BITS-1:0]                        rd_done_op,
	output reg                                       wb_done_valid,	/* pulse: a tile is written back */
	output reg  [4:0]                                wb_done_flags,
	output reg  [OP_BITS-1:0]                        wb_done_op,
	/* operand beats (format above) */
	output reg                                       op_rd,		/* present a beat this cycle */
	output reg  [KC_BITS-1:0]                        op_slice,	/* its index in the k-step, 0 .. kcycles-1 */
	input  wire [ROWS*((M_MAX > N_MAX) ? M_MAX : N_MAX)*ACT_BITS-1:0] op_a,
	input  wire [COLS*N_MAX*WEIGHT_BITS-1:0]         op_w,
	input  wire [COLS*N_MAX*((M_MAX > 1) ? $clog2(M_MAX) : 1)-1:0] op_idx,
	/* write-back rows */
	output reg                                       out_valid,	/* out_row/out_data/dbg_acc hold a row */
	output reg  [((ROWS > 1) ? $clog2(ROWS) : 1)-1:0] out_row,	/* row within the tile */
	output reg  [COLS*ACT_BITS-1:0]                  out_data,	/* column c at [c*ACT_BITS +: ACT_BITS] */
	output reg  [COLS*32-1:0]                        dbg_acc	/* the row's int32 accumulators, [c*32 +: 32] */
);
	localparam integer WIN  = (M_MAX > N_MAX) ? M_MAX : N_MAX;	/* activations per row per beat */
	localparam integer SB   = (M_MAX > 1) ? $clog2(M_MAX) : 1;	/* op_idx bits */
	localparam integer SELB = (WIN > 1) ? $clog2(WIN) : 1;	/* PE mux select bits */
	localparam integer RIB  = (ROWS > 1) ? $clog2(ROWS) : 1;	/* row index bits */
	localparam integer RB   = $clog2(ROWS + 1);
	localparam integer CB   = $clog2(COLS + 1);
	localparam integer NB   = $clog2(N_MAX + 1);
	localparam integer MB   = $clog2(M_MAX + 1);
	localparam integer WA   = WIN * ACT_BITS;	/* one row's window */
	localparam integer NW   = N_MAX * WEIGHT_BITS;	/* one column's weights */
	localparam integer NS   = N_MAX * SELB;	/* one column's mux selects */
	/* PE pipeline: mux select, multiply, adder tree, accumulate (sde_pipe_depth) */
	localparam integer PIPE = 3 + $clog2(N_MAX);
	/* tiles between their last slice and their wb_done (SDE_FLIGHT) */
	localparam integer FLIGHT = 8;
	/* gap counters: up to ROWS * max cpr - 1 cycles */
	localparam integer GB   = $clog2(ROWS * ((1 << CPR_BITS) - 1) + 1);

	/* unit_cmd flags */
	localparam integer FIRST = 0;
	localparam integer LAST  = 1;

	/* one command, packed: the FIFO entries and cur */
	localparam integer C_FLAGS = 0;
	localparam integer C_OP    = C_FLAGS + 5;
	localparam integer C_ROWS  = C_OP + OP_BITS;
	localparam integer C_COLS  = C_ROWS + RB;
	localparam integer C_KC    = C_COLS + CB;
	localparam integer C_CPR   = C_KC + KC_BITS;
	localparam integer C_DENSE = C_CPR + CPR_BITS;
	localparam integer C_N     = C_DENSE + 1;
	localparam integer C_M     = C_N + NB;
	localparam integer C_SHIFT = C_M + MB;
	localparam integer CMD_W   = C_SHIFT + SHIFT_BITS;

	/* one tile in flight, packed: what write-back needs of its command,
	 * the read sequencer's fields and the output stage's */
	localparam integer D_RLAST = 0;			/* rows - 1 */
	localparam integer D_KLAST = D_RLAST + RIB;	/* cpr - 1 */
	localparam integer SQ_W    = D_KLAST + CPR_BITS;
	localparam integer D_FLAGS = 0;
	localparam integer D_OP    = D_FLAGS + 5;
	localparam integer D_COLS  = D_OP + OP_BITS;
	localparam integer D_SHIFT = D_COLS + CB;
	localparam integer OUT_W   = D_SHIFT + SHIFT_BITS;

	wire [CMD_W-1:0] cmd_in = {cmd_shift, cmd_nm_m, cmd_nm_n, cmd_dense,
				   cmd_drain_cpr, cmd_kcycles, cmd_cols, cmd_rows,
				   cmd_op, cmd_flags};

	/* ---- controller state (models/sde.h struct sde) ---- */
	reg [CMD_W-1:0]    fifo0, fifo1;	/* command FIFO ring, 2 entries */
	reg                f_head;		/* ring position of the oldest entry */
	reg [1:0]          f_len;		/* occupancy, 0 .. 2 */
	reg [CMD_W-1:0]    cur;			/* streaming k-step */
	reg [KC_BITS-1:0]  stream_left;		/* stream cycles left for cur */
	reg [GB-1:0]       lgap_left;		/* max(0, lgap_at - now) */
	reg [GB-1:0]       fgap_left;		/* max(0, fgap_at - now) */
	/* tiles in flight, a ring of FLIGHT slots, slot i at [i*W +: W] */
	reg [FLIGHT*SQ_W-1:0]  fl_seq;		/* the read sequencer's fields */
	reg [FLIGHT*OUT_W-1:0] fl_out;		/* the output stage's fields */
	reg [2:0]          fl_wr;		/* ring slot of the next tile to enter */
	reg [2:0]          fl_sq;		/* slot of the tile the sequencer reads */
	reg [2:0]          fl_rd;		/* slot of the oldest tile: the output stage's */
	reg [3:0]          n_flight;		/* tiles in flight, 0 .. FLIGHT */
	reg [PIPE:0]       tok;			/* tile ends, delayed to PE (0, 0)'s accumulate */
	reg                sq_busy;		/* sequencer inside a tile's slots */
	reg [RIB-1:0]      sq_row;		/* its row */
	reg [CPR_BITS-1:0] sq_k;		/* its cycle within the row's slot */
	reg [COLS:0]       rp_v;		/* read pointer per column: a row is read */
	reg [COLS:0]       rp_done;		/* ... the tile's last slot ends */
	reg [(COLS+1)*RIB-1:0] rp_row;		/* ... which row; [COLS]: the output stage */
	/* the beat presented this cycle (with op_rd) */
	reg                b_first;		/* first slice of a FIRST step: restart at 0 */
	reg                b_last;		/* last slice of a LAST step: to the shadows */
	reg                b_dense;		/* mux select j for multiplier j */
	reg [N_MAX*SB-1:0] b_base;		/* sparse: window offset of multiplier j's group */
	reg [N_MAX-1:0]    b_en;		/* sparse: multiplier j has a group in the slice */

	/* next state, computed in sde_step's order */
	reg [CMD_W-1:0]    fifo0_n, fifo1_n, cur_n;
	reg                f_head_n;
	reg [1:0]          f_len_n;
	reg [KC_BITS-1:0]  stream_left_n;
	reg [GB-1:0]       lgap_left_n, fgap_left_n;
	reg [2:0]          fl_wr_n, fl_sq_n, fl_rd_n;
	reg [3:0]          n_flight_n;
	reg                sq_busy_n, sq_go, sq_emit, sq_done;
	reg [RIB-1:0]      sq_row_n, sq_r;
	reg [CPR_BITS-1:0] sq_k_n, sq_kk;
	reg                cmd_ready_n, active_n, op_rd_n, out_valid_n;
	reg                rd_done_valid_n, wb_done_valid_n;
	reg [4:0]          rd_done_flags_n, wb_done_flags_n;
	reg [OP_BITS-1:0]  rd_done_op_n, wb_done_op_n;
	reg [KC_BITS-1:0]  op_slice_n;
	reg [RIB-1:0]      out_row_n;
	reg [COLS*ACT_BITS-1:0] out_data_n;
	reg [COLS*32-1:0]  dbg_acc_n;
	reg                b_first_n, b_last_n, b_dense_n;
	reg [N_MAX*SB-1:0] b_base_n;
	reg [N_MAX-1:0]    b_en_n;
	/* per-cycle temporaries */
	reg                retire;		/* the output stage ends the oldest tile */
	reg [3:0]          n_fl1;		/* n_flight after step 1 */
	reg                first_ok, last_ok, start, streaming, ended, tile_end;
	reg [CMD_W-1:0]    head;		/* oldest FIFO entry */
	reg [SQ_W-1:0]     sq_in, d_sq;		/* the tile entering flight, the sequencer's */
	reg [OUT_W-1:0]    out_in, d_rd;	/* ... and the output stage's */
	reg [CPR_BITS-1:0] cpr;			/* max(1, drain_cpr) of cur_n */
	/* verilator lint_off UNUSEDSIGNAL */
	integer            lgap_val, fgap_val;	/* the gaps a tile's end sets (low GB bits) */
	/* verilator lint_on UNUSEDSIGNAL */

	/* sde_requant: round half up, arithmetic shift, saturate to ACT_BITS */
	function [ACT_BITS-1:0] requant(input [31:0] acc, input [SHIFT_BITS-1:0] shift);
		reg signed [63:0] v;
		begin
			v = $signed({{32{acc[31]}}, acc}) + (64'sd1 <<< (shift - 1'b1));
			v = v >>> shift;
			if (v > $signed(64'd1 << (ACT_BITS - 1)) - 64'sd1)
				requant = {1'b0, {(ACT_BITS-1){1'b1}}};
			else if (v < -$signed(64'd1 << (ACT_BITS - 1)))
				requant = {1'b1, {(ACT_BITS-1){1'b0}}};
			else
				requant = v[ACT_BITS-1:0];
		end
	endfunction

	/* ---- the PE array and its edges ---- */

	/* PE (r, c)'s inputs: a_bus/ctl_bus [r*(COLS+1) + c], w_bus/sel_bus
	 * [r*COLS + c]; the extra column and row are what leaves the array.
	 * (Arrays of nets, not one wide vector: a simulator then wakes only a
	 * PE's neighbour when the PE's outputs change.) */
	/* verilator lint_off UNUSEDSIGNAL */
	wire [WA-1:0] a_bus   [0:ROWS*(COLS+1)-1];
	wire [2:0]    ctl_bus [0:ROWS*(COLS+1)-1];	/* {last, first, valid} */
	wire [NW-1:0] w_bus   [0:(ROWS+1)*COLS-1];
	wire [NS-1:0] sel_bus [0:(ROWS+1)*COLS-1];
	/* verilator lint_on UNUSEDSIGNAL */
	wire [31:0]   acc_all    [0:ROWS*COLS-1];	/* PE (r, c) at [r*COLS + c] */
	wire [31:0]   shadow_all [0:ROWS*COLS-1];
	wire [COLS*32-1:0] row_acc;	/* the deskewed row at the output stage */

	/*
	 * nm_map's packing, decoded in the stream cycle from cur_n's pattern:
	 * gpc = min(N_MAX / N, M_MAX / M) groups per beat; multiplier j serves
	 * group g = j / N of the slice, whose window starts at g * M.
	 */
	integer t, pj, n_i, m_i, g_mult, g_mux, gpc, grp;
	/* verilator lint_off UNUSEDSIGNAL */
	integer base;	/* < M_MAX when used: its low SB bits */
	/* verilator lint_on UNUSEDSIGNAL */
	always @(*) begin
		n_i = {{(32-NB){1'b0}}, cur_n[C_N +: NB]};
		m_i = {{(32-MB){1'b0}}, cur_n[C_M +: MB]};
		g_mult = 0;
		g_mux = 0;
		for (t = 1; t <= N_MAX; t = t + 1)
			if (t * n_i <= N_MAX)
				g_mult = t;
		for (t = 1; t <= M_MAX; t = t + 1)
			if (t * m_i <= M_MAX)
				g_mux = t;
		gpc = (g_mult < g_mux) ? g_mult : g_mux;
		for (pj = 0; pj < N_MAX; pj = pj + 1) begin
			grp = 0;
			for (t = 1; t < N_MAX; t = t + 1)
				if (t * n_i <= pj)
					grp = t;
			base = grp * m_i;
			b_en_n[pj] = grp < gpc;
			b_base_n[pj*SB +: SB] = b_en_n[pj] ? base[SB-1:0] : {SB{1'b0}};
		end
	end

	/*
	 * The beat's index decode (cycle s + 1): window position grp*M + idx;
	 * weight 0 and select 0 for an unused multiplier or a position past
	 * the window; select j when dense.
	 */
	reg [COLS*NW-1:0] dec_w;
	reg [COLS*NS-1:0] dec_sel;
	integer dj, dc, pos;
	/* verilator lint_off UNUSEDSIGNAL */
	integer sel;	/* < WIN: its low SELB bits */
	/* verilator lint_on UNUSEDSIGNAL */
	always @(*) begin
		dec_w = op_w;
		for (dc = 0; dc < COLS; dc = dc + 1) begin
			for (dj = 0; dj < N_MAX; dj = dj + 1) begin
				pos = {{(32-SB){1'b0}}, b_base[dj*SB +: SB]} +
				      {{(32-SB){1'b0}}, op_idx[(dc*N_MAX + dj)*SB +: SB]};
				sel = dj;
				if (!b_dense) begin
					sel = pos;
					if (!b_en[dj] || pos >= M_MAX) begin
						dec_w[(dc*N_MAX + dj)*WEIGHT_BITS +: WEIGHT_BITS] = {WEIGHT_BITS{1'b0}};
						sel = 0;
					end
				end
				dec_sel[(dc*N_MAX + dj)*SELB +: SELB] = sel[SELB-1:0];
			end
		end
	end

	genvar gr, gc;
	generate
		/* left edge: row r's window and the beat's control, 1 + r registers */
		for (gr = 0; gr < ROWS; gr = gr + 1) begin : g_left
			reg [(gr+1)*WA-1:0] a_sk;	/* stage k at [k*WA +: WA]; 0: the edge register */
			reg [(gr+1)*3-1:0]  c_sk;
			integer k;
			always @(posedge clk) begin
				a_sk[0 +: WA] <= op_a[gr*WA +: WA];
				for (k = 1; k <= gr; k = k + 1)
					a_sk[k*WA +: WA] <= a_sk[(k-1)*WA +: WA];
				if (!rst_l) begin
					c_sk <= {((gr+1)*3){1'b0}};
				end else begin
					c_sk[2:0] <= {b_last, b_first, op_rd};
					for (k = 1; k <= gr; k = k + 1)
						c_sk[k*3 +: 3] <= c_sk[(k-1)*3 +: 3];
				end
			end
			assign a_bus[gr*(COLS+1)] = a_sk[gr*WA +: WA];
			assign ctl_bus[gr*(COLS+1)] = c_sk[gr*3 +: 3];
		end

		/* top edge: column c's decoded weights and selects, 1 + c registers */
		for (gc = 0; gc < COLS; gc = gc + 1) begin : g_top
			reg [(gc+1)*NW-1:0] w_sk;
			reg [(gc+1)*NS-1:0] s_sk;
			integer k;
			always @(posedge clk) begin
				w_sk[0 +: NW] <= dec_w[gc*NW +: NW];
				s_sk[0 +: NS] <= dec_sel[gc*NS +: NS];
				for (k = 1; k <= gc; k = k + 1) begin
					w_sk[k*NW +: NW] <= w_sk[(k-1)*NW +: NW];
					s_sk[k*NS +: NS] <= s_sk[(k-1)*NS +: NS];
				end
			end
			assign w_bus[gc] = w_sk[gc*NW +: NW];
			assign sel_bus[gc] = s_sk[gc*NS +: NS];
		end

		for (gr = 0; gr < ROWS; gr = gr + 1) begin : g_row
			for (gc = 0; gc < COLS; gc = gc + 1) begin : g_col
				/* the PE's ports on wires of their own, not on the
				 * arrays' elements (yosys 0.23 fails on those) */
				wire [WA-1:0] a_i = a_bus[gr*(COLS+1) + gc];
				wire [2:0]    ctl_i = ctl_bus[gr*(COLS+1) + gc];
				wire [NW-1:0] w_i = w_bus[gr*COLS + gc];
				wire [NS-1:0] sel_i = sel_bus[gr*COLS + gc];
				wire [WA-1:0] a_o;
				wire [2:0]    ctl_o;
				wire [NW-1:0] w_o;
				wire [NS-1:0] sel_o;
				wire [31:0]   acc_o, shadow_o;
				assign a_bus[gr*(COLS+1) + gc + 1] = a_o;
				assign ctl_bus[gr*(COLS+1) + gc + 1] = ctl_o;
				assign w_bus[(gr+1)*COLS + gc] = w_o;
				assign sel_bus[(gr+1)*COLS + gc] = sel_o;
				assign acc_all[gr*COLS + gc] = acc_o;
				assign shadow_all[gr*COLS + gc] = shadow_o;
				sde_pe #(
					.N_MAX(N_MAX),
					.M_MAX(M_MAX),
					.ACT_BITS(ACT_BITS),
					.WEIGHT_BITS(WEIGHT_BITS)
				) pe (
					.clk(clk),
					.rst_l(rst_l),
					.a_in(a_i),
					.ctl_in(ctl_i),
					.w_in(w_i),
					.sel_in(sel_i),
					.a_out(a_o),
					.ctl_out(ctl_o),
					.w_out(w_o),
					.sel_out(sel_o),
					.acc(acc_o),
					.shadow(shadow_o)
				);
			end
		end

		/*
		 * Column output bus: column c reads the row its read pointer names
		 * into a register, then COLS - 1 - c deskew registers; stage k at
		 * [k*32 +: 32], stage 0 the read. The read loads only on a pointer,
		 * so the bus is quiet between rows.
		 */
		for (gc = 0; gc < COLS; gc = gc + 1) begin : g_bus
			localparam integer DEPTH = COLS - gc;
			wire [RIB-1:0] row = rp_row[gc*RIB +: RIB];
			wire [ROWS*32-1:0] col_acc, col_shadow;	/* the column's PEs, row r at [r*32 +: 32] */
			reg  [DEPTH*32-1:0] q;
			integer k;
			for (gr = 0; gr < ROWS; gr = gr + 1) begin : g_pe
				assign col_acc[gr*32 +: 32] = acc_all[gr*COLS + gc];
				assign col_shadow[gr*32 +: 32] = shadow_all[gr*COLS + gc];
			end
			always @(posedge clk) begin
				if (rp_v[gc])
					q[0 +: 32] <= acc_db ? col_shadow[row*32 +: 32] : col_acc[row*32 +: 32];
				for (k = 1; k < DEPTH; k = k + 1)
					q[k*32 +: 32] <= q[(k-1)*32 +: 32];
			end
			assign row_acc[gc*32 +: 32] = q[(DEPTH-1)*32 +: 32];
		end
	endgenerate

	/* ---- the output stage: a row of the oldest tile in flight ---- */
	integer oc;
	always @(*) begin
		out_valid_n = rp_v[COLS];
		out_row_n = out_row;
		out_data_n = out_data;
		dbg_acc_n = dbg_acc;
		d_rd = fl_out[fl_rd*OUT_W +: OUT_W];
		if (rp_v[COLS]) begin
			out_row_n = rp_row[COLS*RIB +: RIB];
			for (oc = 0; oc < COLS; oc = oc + 1) begin
				if (oc < {{(32-CB){1'b0}}, d_rd[D_COLS +: CB]}) begin
					dbg_acc_n[oc*32 +: 32] = row_acc[oc*32 +: 32];
					out_data_n[oc*ACT_BITS +: ACT_BITS] =
						requant(row_acc[oc*32 +: 32], d_rd[D_SHIFT +: SHIFT_BITS]);
				end else begin
					dbg_acc_n[oc*32 +: 32] = 32'd0;
					out_data_n[oc*ACT_BITS +: ACT_BITS] = {ACT_BITS{1'b0}};
				end
			end
		end
	end

	/* ---- one cycle of the controller: sde_step ---- */
	always @(*) begin
		fifo0_n = fifo0;
		fifo1_n = fifo1;
		f_head_n = f_head;
		f_len_n = f_len;
		cur_n = cur;
		stream_left_n = stream_left;
		fl_wr_n = fl_wr;
		fl_sq_n = fl_sq;
		fl_rd_n = fl_rd;
		sq_busy_n = sq_busy;
		sq_row_n = sq_row;
		sq_k_n = sq_k;
		rd_done_valid_n = 1'b0;
		rd_done_flags_n = rd_done_flags;
		rd_done_op_n = rd_done_op;
		wb_done_valid_n = 1'b0;
		wb_done_flags_n = wb_done_flags;
		wb_done_op_n = wb_done_op;

		/* 1. write-back: the output stage ends the oldest tile (its rows:
		 * the block below), the read sequencer walks the next one */
		retire = rp_done[COLS];
		if (retire) begin
			wb_done_valid_n = 1'b1;
			wb_done_flags_n = d_rd[D_FLAGS +: 5];
			wb_done_op_n = d_rd[D_OP +: OP_BITS];
			fl_rd_n = fl_rd + 1'b1;
		end
		n_fl1 = n_flight - {3'd0, retire};

		/* The read sequencer: from the token on, one slot of cpr cycles per
		 * row; a read pointer in each slot's first cycle, the done mark in
		 * the last slot's last cycle. */
		d_sq = fl_seq[fl_sq*SQ_W +: SQ_W];
		sq_go = sq_busy || tok[PIPE];
		sq_r = sq_busy ? sq_row : {RIB{1'b0}};
		sq_kk = sq_busy ? sq_k : {CPR_BITS{1'b0}};
		sq_emit = sq_go && sq_kk == {CPR_BITS{1'b0}};
		sq_done = sq_go && sq_r == d_sq[D_RLAST +: RIB] &&
			  sq_kk == d_sq[D_KLAST +: CPR_BITS];
		if (sq_go) begin
			sq_busy_n = !sq_done;
			if (sq_done)
				fl_sq_n = fl_sq + 1'b1;
			if (sq_kk == d_sq[D_KLAST +: CPR_BITS]) begin
				sq_row_n = sq_r + 1'b1;
				sq_k_n = {CPR_BITS{1'b0}};
			end else begin
				sq_row_n = sq_r;
				sq_k_n = sq_kk + 1'b1;
			end
		end

		/* 2. start the oldest command (can_start) */
		head = f_head ? fifo1 : fifo0;
		first_ok = !head[C_FLAGS + FIRST] || acc_db || fgap_left == {GB{1'b0}};
		last_ok = !head[C_FLAGS + LAST] ||
			  ({{(32-KC_BITS){1'b0}}, head[C_KC +: KC_BITS]} >
			   {{(32-GB){1'b0}}, lgap_left} && n_fl1 < FLIGHT[3:0]);
		start = stream_left == {KC_BITS{1'b0}} && f_len != 2'd0 &&
			first_ok && last_ok;
		if (start) begin
			cur_n = head;
			stream_left_n = head[C_KC +: KC_BITS];
			f_head_n = !f_head;
			f_len_n = f_len - 1'b1;
		end

		/* 3. stream cycle (stream_cycle); a LAST step's end puts its tile
		 * in flight and sets the gaps (tile_streamed) */
		streaming = stream_left_n != {KC_BITS{1'b0}};
		op_slice_n = op_slice;
		ended = 1'b0;
		if (streaming) begin
			op_slice_n = cur_n[C_KC +: KC_BITS] - stream_left_n;
			stream_left_n = stream_left_n - 1'b1;
			ended = stream_left_n == {KC_BITS{1'b0}};
		end
		tile_end = ended && cur_n[C_FLAGS + LAST];
		if (ended) begin
			rd_done_valid_n = 1'b1;
			rd_done_flags_n = cur_n[C_FLAGS +: 5];
			rd_done_op_n = cur_n[C_OP +: OP_BITS];
		end
		op_rd_n = streaming;
		b_first_n = streaming && op_slice_n == {KC_BITS{1'b0}} && cur_n[C_FLAGS + FIRST];
		b_last_n = tile_end;
		b_dense_n = cur_n[C_DENSE];
		active_n = streaming || n_flight != 4'd0;
		cpr = (cur_n[C_CPR +: CPR_BITS] > 1) ? cur_n[C_CPR +: CPR_BITS] : 1;
		sq_in = {cpr - 1'b1, cur_n[C_ROWS +: RIB] - 1'b1};	/* rows - 1 < 2^RIB */
		out_in = {cur_n[C_SHIFT +: SHIFT_BITS], cur_n[C_COLS +: CB],
			  cur_n[C_OP +: OP_BITS], cur_n[C_FLAGS +: 5]};
		n_flight_n = n_fl1;
		if (tile_end) begin
			fl_wr_n = fl_wr + 1'b1;
			n_flight_n = n_fl1 + 1'b1;
		end
		/* counted from the next cycle: rows*cpr - 1 and (rows-1)*(cpr-1) */
		lgap_val = {{(32-RB){1'b0}}, cur_n[C_ROWS +: RB]} * {{(32-CPR_BITS){1'b0}}, cpr} - 1;
		fgap_val = ({{(32-RB){1'b0}}, cur_n[C_ROWS +: RB]} - 1) *
			   ({{(32-CPR_BITS){1'b0}}, cpr} - 1);
		lgap_left_n = gap_next(lgap_left, tile_end, lgap_val[GB-1:0]);
		fgap_left_n = gap_next(fgap_left, tile_end, fgap_val[GB-1:0]);

		/* 4. accept a command into the FIFO */
		if (cmd_valid && cmd_ready) begin
			if (f_head_n ^ f_len_n[0])
				fifo1_n = cmd_in;
			else
				fifo0_n = cmd_in;
			f_len_n = f_len_n + 1'b1;
		end
		cmd_ready_n = f_len_n < 2'd2;
	end

	/* a gap counter: reloaded by a tile's end, else one cycle closer to 0 */
	function [GB-1:0] gap_next(input [GB-1:0] left, input load, input [GB-1:0] val);
		if (load)
			gap_next = val;
		else if (left != {GB{1'b0}})
			gap_next = left - 1'b1;
		else
			gap_next = {GB{1'b0}};
	endfunction

	always @(posedge clk) begin
		if (tile_end) begin
			fl_seq[fl_wr*SQ_W +: SQ_W] <= sq_in;
			fl_out[fl_wr*OUT_W +: OUT_W] <= out_in;
		end
		if (!rst_l) begin
			cmd_ready <= 1'b1;
			active <= 1'b0;
			rd_done_valid <= 1'b0;
			rd_done_flags <= 5'd0;
			rd_done_op <= {OP_BITS{1'b0}};
			wb_done_valid <= 1'b0;
			wb_done_flags <= 5'd0;
			wb_done_op <= {OP_BITS{1'b0}};
			op_rd <= 1'b0;
			op_slice <= {KC_BITS{1'b0}};
			out_valid <= 1'b0;
			out_row <= {RIB{1'b0}};
			out_data <= {(COLS*ACT_BITS){1'b0}};
			dbg_acc <= {(COLS*32){1'b0}};
			fifo0 <= {CMD_W{1'b0}};
			fifo1 <= {CMD_W{1'b0}};
			f_head <= 1'b0;
			f_len <= 2'd0;
			cur <= {CMD_W{1'b0}};
			stream_left <= {KC_BITS{1'b0}};
			lgap_left <= {GB{1'b0}};
			fgap_left <= {GB{1'b0}};
			fl_wr <= 3'd0;
			fl_sq <= 3'd0;
			fl_rd <= 3'd0;
			n_flight <= 4'd0;
			tok <= {(PIPE+1){1'b0}};
			sq_busy <= 1'b0;
			sq_row <= {RIB{1'b0}};
			sq_k <= {CPR_BITS{1'b0}};
			rp_v <= {(COLS+1){1'b0}};
			rp_done <= {(COLS+1){1'b0}};
			rp_row <= {((COLS+1)*RIB){1'b0}};
			b_first <= 1'b0;
			b_last <= 1'b0;
			b_dense <= 1'b0;
			b_base <= {(N_MAX*SB){1'b0}};
			b_en <= {N_MAX{1'b0}};
		end else begin
			cmd_ready <= cmd_ready_n;
			active <= active_n;
			rd_done_valid <= rd_done_valid_n;
			rd_done_flags <= rd_done_flags_n;
			rd_done_op <= rd_done_op_n;
			wb_done_valid <= wb_done_valid_n;
			wb_done_flags <= wb_done_flags_n;
			wb_done_op <= wb_done_op_n;
			op_rd <= op_rd_n;
			op_slice <= op_slice_n;
			out_valid <= out_valid_n;
			out_row <= out_row_n;
			out_data <= out_data_n;
			dbg_acc <= dbg_acc_n;
			fifo0 <= fifo0_n;
			fifo1 <= fifo1_n;
			f_head <= f_head_n;
			f_len <= f_len_n;
			cur <= cur_n;
			stream_left <= stream_left_n;
			lgap_left <= lgap_left_n;
			fgap_left <= fgap_left_n;
			fl_wr <= fl_wr_n;
			fl_sq <= fl_sq_n;
			fl_rd <= fl_rd_n;
			n_flight <= n_flight_n;
			tok <= {tok[PIPE-1:0], tile_end};
			sq_busy <= sq_busy_n;
			sq_row <= sq_row_n;
			sq_k <= sq_k_n;
			rp_v <= {rp_v[COLS-1:0], sq_emit};
			rp_done <= {rp_done[COLS-1:0], sq_done};
			rp_row <= {rp_row[COLS*RIB-1:0], sq_r};
			b_first <= b_first_n;
			b_last <= b_last_n;
			b_dense <= b_dense_n;
			b_base <= b_base_n;
			b_en <= b_en_n;
		end
	end

`ifndef SYNTHESIS
	/* impossible in the model (SIM_ASSERT) or malformed command streams */
	always @(posedge clk) begin
		if (rst_l) begin
			assert (!(cmd_valid && cmd_ready && f_len_n > 2'd2))
			else $error("sde: command FIFO overflow");
			assert (!(cmd_valid && cmd_ready) ||
				({{(32-RB){1'b0}}, cmd_rows} - 1 < ROWS &&
				 {{(32-CB){1'b0}}, cmd_cols} - 1 < COLS))
			else $error("sde: command rows/cols out of range");
			assert (!(cmd_valid && cmd_ready && cmd_kcycles == {KC_BITS{1'b0}}))
			else $error("sde: command of 0 stream cycles");
			assert (!(tile_end && n_fl1 == FLIGHT[3:0]))
			else $error("sde: more than FLIGHT tiles in flight");
			assert (!(tile_end && lgap_left != {GB{1'b0}}))
			else $error("sde: a tile ended inside the previous tile's write-back gap");
			assert (!(tok[PIPE] && sq_busy))
			else $error("sde: write-backs of two tiles overlap");
			assert (!((rp_v[COLS] || rp_done[COLS]) && n_flight == 4'd0))
			else $error("sde: write-back with no tile in flight");
		end
	end
`endif
endmodule

`default_nettype wire
