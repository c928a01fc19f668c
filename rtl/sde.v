/*
 * sde.v - the sparse-dense engine: controller and PE array, the RTL twin of
 * models/sde.c (timing contract in models/sde.h, formulas in docs/models.md).
 *
 * Controller: three small machines stepped in the C model's fixed order
 * inside one clock (sde_step): drain cycle, start from the command FIFO,
 * stream cycle, hold -> drain hand-off, accept. Every output is a register:
 * what sde_step writes to `nxt` in cycle t is on the port from the edge that
 * ends cycle t. The drain machine counts the model's drain_left as two
 * phases, flush ((rows-1) + (cols-1) + PIPE cycles) then write-back (rows
 * slots of max(1, drain_cpr) cycles); it is busy exactly while the model's
 * drain_left is non-zero.
 *
 * Data path (functional co-simulation): a ROWS x COLS array of sde_pe.
 * The engine reads one operand beat per stream cycle: op_rd rises on the
 * edge that ends a stream cycle (like a synchronous buffer read issued in
 * that cycle) and the operand feeder presents the beat on op_a/op_w/op_idx
 * during the next cycle; the PEs accumulate it on the edge that ends it.
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
 * Write-back: the first cycle of each write-back slot puts one row of the
 * tile on out_row/out_data, requantized like sde_requant (round half up,
 * arithmetic shift, saturate to ACT_BITS); columns >= the tile's cols are 0.
 *
 * Invariant (as in the model): at most one k-step streams, at most one tile
 * waits in hold and at most one drains; a tile's accumulators reach the PE
 * shadow registers one cycle after its hand-off to the drain machine, before
 * its first write-back slot and before the next tile's first beat.
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
	input  wire [KC_BITS-1:0]                        cmd_kcycles,	/* stream cycles */
	input  wire [CPR_BITS-1:0]                       cmd_drain_cpr,	/* 0 or 1: a row per cycle */
	input  wire                                      cmd_dense,	/* operands dense: mux bypass */
	input  wire [$clog2(N_MAX+1)-1:0]                cmd_nm_n,	/* sparse N, 1 .. N_MAX */
	input  wire [$clog2(M_MAX+1)-1:0]                cmd_nm_m,	/* sparse M, N < M <= M_MAX */
	input  wire [SHIFT_BITS-1:0]                     cmd_shift,	/* requantization shift, >= 1 */
	/* status and completion pulses (struct sde_out) */
	output reg                                       active,	/* streamed or drained last cycle */
	output reg                                       rd_done_valid,	/* pulse: a k-step's operands are read */
	output reg  [4:0]                                rd_done_flags,
	output reg  [OP_BITS-1:0]                        rd_done_op,
	output reg                                       wb_done_valid,	/* pulse: a tile is written back */
	output reg  [4:0]                                wb_done_flags,
	output reg  [OP_BITS-1:0]                        wb_done_op,
	/* operand beats (format above) */
	output reg                                       op_rd,		/* present a beat this cycle */
	input  wire [ROWS*((M_MAX > N_MAX) ? M_MAX : N_MAX)*ACT_BITS-1:0] op_a,
	input  wire [COLS*N_MAX*WEIGHT_BITS-1:0]         op_w,
	input  wire [COLS*N_MAX*((M_MAX > 1) ? $clog2(M_MAX) : 1)-1:0] op_idx,
	/* write-back rows */
	output reg                                       out_valid,	/* out_row/out_data hold a row */
	output reg  [((ROWS > 1) ? $clog2(ROWS) : 1)-1:0] out_row,	/* row within the tile */
	output reg  [COLS*ACT_BITS-1:0]                  out_data	/* column c at [c*ACT_BITS +: ACT_BITS] */
);
	localparam integer WIN  = (M_MAX > N_MAX) ? M_MAX : N_MAX;	/* activations per row per beat */
	localparam integer SB   = (M_MAX > 1) ? $clog2(M_MAX) : 1;	/* index / mux select bits */
	localparam integer RIB  = (ROWS > 1) ? $clog2(ROWS) : 1;	/* row index bits */
	localparam integer RB   = $clog2(ROWS + 1);
	localparam integer CB   = $clog2(COLS + 1);
	localparam integer NB   = $clog2(N_MAX + 1);
	localparam integer MB   = $clog2(M_MAX + 1);
	/* PE pipeline: mux select, multiply, adder tree, accumulate (sde_pipe_depth) */
	localparam integer PIPE = 3 + $clog2(N_MAX);
	localparam integer FLUSH_MAX = (ROWS - 1) + (COLS - 1) + PIPE;
	localparam integer FB   = $clog2(FLUSH_MAX + 1) + 1;	/* > RB, CB: zero-extends them */

	/* unit_cmd flags */
	localparam integer FIRST = 0;
	localparam integer LAST  = 1;

	/* one command, packed: the FIFO entries, cur, hold and drain */
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

	/* drain machine phases; idle <=> the model's drain_left == 0 */
	localparam [1:0] DR_IDLE  = 2'd0;
	localparam [1:0] DR_FLUSH = 2'd1;
	localparam [1:0] DR_WB    = 2'd2;

	wire [CMD_W-1:0] cmd_in = {cmd_shift, cmd_nm_m, cmd_nm_n, cmd_dense,
				   cmd_drain_cpr, cmd_kcycles, cmd_cols, cmd_rows,
				   cmd_op, cmd_flags};

	/* ---- controller state (models/sde.h struct sde) ---- */
	reg [CMD_W-1:0]    fifo0, fifo1;	/* command FIFO ring, 2 entries */
	reg                f_head;		/* ring position of the oldest entry */
	reg [1:0]          f_len;		/* occupancy, 0 .. 2 */
	reg [CMD_W-1:0]    cur;			/* streaming k-step */
	reg [KC_BITS-1:0]  stream_left;		/* stream cycles left for cur */
	reg [CMD_W-1:0]    hold;		/* streamed tile waiting for the drain machine */
	reg                hold_valid;
	reg [CMD_W-1:0]    drain;		/* tile in flush + write-back */
	reg [1:0]          drain_phase;		/* DR_* */
	reg [FB-1:0]       flush_left;		/* flush cycles left (DR_FLUSH) */
	reg [RIB-1:0]      wb_row;		/* row in its write-back slot (DR_WB) */
	reg [CPR_BITS-1:0] wb_left;		/* cycles left in that slot (DR_WB) */
	/* data-path control for the beat presented this cycle */
	reg                beat_first;		/* the beat opens its tile */
	reg                beat_dense;		/* its mode and pattern */
	reg [NB-1:0]       beat_n;
	reg [MB-1:0]       beat_m;
	reg                acc_copy;		/* last cycle handed a tile to the drain machine */

	/* next state, computed in sde_step's order */
	reg [CMD_W-1:0]    fifo0_n, fifo1_n, cur_n, hold_n, drain_n;
	reg                f_head_n, hold_valid_n;
	reg [1:0]          f_len_n, drain_phase_n;
	reg [KC_BITS-1:0]  stream_left_n;
	reg [FB-1:0]       flush_left_n;
	reg [RIB-1:0]      wb_row_n;
	reg [CPR_BITS-1:0] wb_left_n;
	reg                cmd_ready_n, active_n, op_rd_n, out_valid_n;
	reg                rd_done_valid_n, wb_done_valid_n;
	reg [4:0]          rd_done_flags_n, wb_done_flags_n;
	reg [OP_BITS-1:0]  rd_done_op_n, wb_done_op_n;
	reg [RIB-1:0]      out_row_n;
	reg [COLS*ACT_BITS-1:0] out_data_n;
	reg                beat_first_n, beat_dense_n, acc_copy_n;
	reg [NB-1:0]       beat_n_n;
	reg [MB-1:0]       beat_m_n;
	/* per-cycle temporaries */
	reg                drain_was;		/* drain machine busy at the cycle's start */
	reg                busy;		/* streamed or drained: the model's by != NULL */
	reg                can_start, start, streaming, handoff, wb_emit;
	reg [CMD_W-1:0]    head;		/* oldest FIFO entry */

	/* fields of the draining and the held tile */
	wire [CB-1:0]       drain_cols = drain[C_COLS +: CB];
	wire [CPR_BITS-1:0] drain_cpr  = drain[C_CPR +: CPR_BITS];
	wire [CPR_BITS-1:0] drain_cpr_eff = (drain_cpr > 1) ? drain_cpr : 1;	/* sde_drain_cycles' max(1, cpr) */
	wire [RIB-1:0]      drain_last = drain[C_ROWS +: RIB] - 1'b1;	/* rows - 1, mod 2^RIB */
	wire                drain_last_row = wb_row == drain_last;

	/* flush cycles of the held tile: (rows - 1) + (cols - 1) + PIPE */
	localparam integer PIPE_M2 = PIPE - 2;
	function [FB-1:0] flush_cycles(input [RB-1:0] rows, input [CB-1:0] cols);
		flush_cycles = {{(FB-RB){1'b0}}, rows} + {{(FB-CB){1'b0}}, cols} + PIPE_M2[FB-1:0];
	endfunction

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

	/* ---- the PE array ---- */
	wire [ROWS*COLS*32-1:0] shadow_all;	/* PE (r, c) at [(r*COLS + c)*32 +: 32] */
	reg  [COLS*N_MAX*WEIGHT_BITS-1:0] w_eff;	/* weights, unused multipliers zeroed */
	reg  [COLS*N_MAX*SB-1:0] sel_all;	/* window position per column and multiplier */

	/*
	 * nm_map's packing, decoded once for the whole array from the beat's
	 * pattern: gpc = min(N_MAX / N, M_MAX / M) groups per beat; multiplier j
	 * serves group g = j / N of the slice, whose window starts at g * M.
	 */
	integer t, j, c, n_i, m_i, g_mult, g_mux, gpc, grp, pos;
	reg [SB-1:0] idx_jc;
	always @(*) begin
		n_i = {{(32-NB){1'b0}}, beat_n};
		m_i = {{(32-MB){1'b0}}, beat_m};
		g_mult = 0;
		g_mux = 0;
		for (t = 1; t <= N_MAX; t = t + 1)
			if (t * n_i <= N_MAX)
				g_mult = t;
		for (t = 1; t <= M_MAX; t = t + 1)
			if (t * m_i <= M_MAX)
				g_mux = t;
		gpc = (g_mult < g_mux) ? g_mult : g_mux;
		w_eff = op_w;
		sel_all = {(COLS*N_MAX*SB){1'b0}};
		for (j = 0; j < N_MAX; j = j + 1) begin
			grp = 0;
			for (t = 1; t < N_MAX; t = t + 1)
				if (t * n_i <= j)
					grp = t;
			for (c = 0; c < COLS; c = c + 1) begin
				idx_jc = op_idx[(c*N_MAX + j)*SB +: SB];
				pos = grp * m_i + {{(32-SB){1'b0}}, idx_jc};
				if (!beat_dense && (grp >= gpc || pos >= M_MAX))
					w_eff[(c*N_MAX + j)*WEIGHT_BITS +: WEIGHT_BITS] = {WEIGHT_BITS{1'b0}};
				else if (!beat_dense)
					sel_all[(c*N_MAX + j)*SB +: SB] = pos[SB-1:0];
			end
		end
	end

	genvar gr, gc;
	generate
		for (gr = 0; gr < ROWS; gr = gr + 1) begin : g_row
			for (gc = 0; gc < COLS; gc = gc + 1) begin : g_col
				sde_pe #(
					.N_MAX(N_MAX),
					.M_MAX(M_MAX),
					.ACT_BITS(ACT_BITS),
					.WEIGHT_BITS(WEIGHT_BITS)
				) pe (
					.clk(clk),
					.beat(op_rd),
					.first(beat_first),
					.copy(acc_copy),
					.dense(beat_dense),
					.win(op_a[gr*WIN*ACT_BITS +: WIN*ACT_BITS]),
					.w(w_eff[gc*N_MAX*WEIGHT_BITS +: N_MAX*WEIGHT_BITS]),
					.sel(sel_all[gc*N_MAX*SB +: N_MAX*SB]),
					.shadow(shadow_all[(gr*COLS + gc)*32 +: 32])
				);
			end
		end
	endgenerate

	/* ---- one cycle of the controller: sde_step ---- */
	integer oc;
	reg [COLS*32-1:0] wb_acc;	/* shadow accumulators of the row being written back */
	always @(*) begin
		fifo0_n = fifo0;
		fifo1_n = fifo1;
		f_head_n = f_head;
		f_len_n = f_len;
		cur_n = cur;
		stream_left_n = stream_left;
		hold_n = hold;
		hold_valid_n = hold_valid;
		drain_n = drain;
		drain_phase_n = drain_phase;
		flush_left_n = flush_left;
		wb_row_n = wb_row;
		wb_left_n = wb_left;
		rd_done_valid_n = 1'b0;
		rd_done_flags_n = rd_done_flags;
		rd_done_op_n = rd_done_op;
		wb_done_valid_n = 1'b0;
		wb_done_flags_n = wb_done_flags;
		wb_done_op_n = wb_done_op;
		out_valid_n = 1'b0;
		out_row_n = out_row;
		out_data_n = out_data;
		busy = 1'b0;
		wb_emit = 1'b0;

		/* 1. drain cycle (drain_cycle) */
		drain_was = drain_phase != DR_IDLE;
		if (drain_phase == DR_FLUSH) begin
			busy = 1'b1;
			flush_left_n = flush_left - 1'b1;
			if (flush_left == 1) begin
				drain_phase_n = DR_WB;
				wb_row_n = {RIB{1'b0}};
				wb_left_n = drain_cpr_eff;
			end
		end else if (drain_phase == DR_WB) begin
			busy = 1'b1;
			wb_emit = wb_left == drain_cpr_eff;
			wb_left_n = wb_left - 1'b1;
			if (wb_left == 1) begin
				if (drain_last_row) begin
					drain_phase_n = DR_IDLE;
					wb_done_valid_n = 1'b1;
					wb_done_flags_n = drain[C_FLAGS +: 5];
					wb_done_op_n = drain[C_OP +: OP_BITS];
				end else begin
					wb_row_n = wb_row + 1'b1;
					wb_left_n = drain_cpr_eff;
				end
			end
		end

		/* 2. start the oldest command (can_start) */
		head = f_head ? fifo1 : fifo0;
		can_start = f_len != 2'd0 &&
			    (!head[C_FLAGS + FIRST] ||
			     (!hold_valid && (acc_db || !drain_was)));
		start = stream_left == {KC_BITS{1'b0}} && can_start;
		if (start) begin
			cur_n = head;
			stream_left_n = head[C_KC +: KC_BITS];
			f_head_n = !f_head;
			f_len_n = f_len - 1'b1;
		end

		/* 3. stream cycle (stream_cycle) */
		streaming = stream_left_n != {KC_BITS{1'b0}};
		if (streaming) begin
			busy = 1'b1;
			stream_left_n = stream_left_n - 1'b1;
			if (stream_left_n == {KC_BITS{1'b0}}) begin
				rd_done_valid_n = 1'b1;
				rd_done_flags_n = cur_n[C_FLAGS +: 5];
				rd_done_op_n = cur_n[C_OP +: OP_BITS];
				if (cur_n[C_FLAGS + LAST]) begin
					hold_n = cur_n;
					hold_valid_n = 1'b1;
				end
			end
		end
		op_rd_n = streaming;
		beat_first_n = start && head[C_FLAGS + FIRST];
		beat_dense_n = cur_n[C_DENSE];
		beat_n_n = cur_n[C_N +: NB];
		beat_m_n = cur_n[C_M +: MB];
		active_n = busy;

		/* 4. hand the held tile to an idle drain machine */
		handoff = hold_valid_n && drain_phase_n == DR_IDLE;
		if (handoff) begin
			drain_n = hold_n;
			drain_phase_n = DR_FLUSH;
			flush_left_n = flush_cycles(hold_n[C_ROWS +: RB], hold_n[C_COLS +: CB]);
			hold_valid_n = 1'b0;
		end
		acc_copy_n = handoff;

		/* 5. accept a command into the FIFO */
		if (cmd_valid && cmd_ready) begin
			if (f_head_n ^ f_len_n[0])
				fifo1_n = cmd_in;
			else
				fifo0_n = cmd_in;
			f_len_n = f_len_n + 1'b1;
		end
		cmd_ready_n = f_len_n < 2'd2;

		/* write-back: one row per slot, requantized */
		wb_acc = shadow_all[wb_row*COLS*32 +: COLS*32];
		if (wb_emit) begin
			out_valid_n = 1'b1;
			out_row_n = wb_row;
			for (oc = 0; oc < COLS; oc = oc + 1)
				out_data_n[oc*ACT_BITS +: ACT_BITS] =
					oc < {{(32-CB){1'b0}}, drain_cols} ?
					requant(wb_acc[oc*32 +: 32], drain[C_SHIFT +: SHIFT_BITS]) :
					{ACT_BITS{1'b0}};
		end
	end

	always @(posedge clk) begin
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
			out_valid <= 1'b0;
			out_row <= {RIB{1'b0}};
			out_data <= {(COLS*ACT_BITS){1'b0}};
			fifo0 <= {CMD_W{1'b0}};
			fifo1 <= {CMD_W{1'b0}};
			f_head <= 1'b0;
			f_len <= 2'd0;
			cur <= {CMD_W{1'b0}};
			stream_left <= {KC_BITS{1'b0}};
			hold <= {CMD_W{1'b0}};
			hold_valid <= 1'b0;
			drain <= {CMD_W{1'b0}};
			drain_phase <= DR_IDLE;
			flush_left <= {FB{1'b0}};
			wb_row <= {RIB{1'b0}};
			wb_left <= {CPR_BITS{1'b0}};
			beat_first <= 1'b0;
			beat_dense <= 1'b0;
			beat_n <= {NB{1'b0}};
			beat_m <= {MB{1'b0}};
			acc_copy <= 1'b0;
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
			out_valid <= out_valid_n;
			out_row <= out_row_n;
			out_data <= out_data_n;
			fifo0 <= fifo0_n;
			fifo1 <= fifo1_n;
			f_head <= f_head_n;
			f_len <= f_len_n;
			cur <= cur_n;
			stream_left <= stream_left_n;
			hold <= hold_n;
			hold_valid <= hold_valid_n;
			drain <= drain_n;
			drain_phase <= drain_phase_n;
			flush_left <= flush_left_n;
			wb_row <= wb_row_n;
			wb_left <= wb_left_n;
			beat_first <= beat_first_n;
			beat_dense <= beat_dense_n;
			beat_n <= beat_n_n;
			beat_m <= beat_m_n;
			acc_copy <= acc_copy_n;
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
			assert (!(hold_valid && streaming &&
				  stream_left_n == {KC_BITS{1'b0}} &&
				  cur_n[C_FLAGS + LAST]))
			else $error("sde: LAST k-step finished while a tile still holds");
		end
	end
`endif
endmodule

`default_nettype wire
