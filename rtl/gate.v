/*
 * gate.v - the MoE gate unit's top-k stage: the RTL twin of models/fu.c
 * (controller, port timing) and models/gate.c's gate_topk (one insertion
 * sorter).
 *
 * Scope: only the top-k stage of models/gate.h. The logits (x W_gate) and
 * the softmax over the experts are outside this block: the unit takes the
 * int32 logits as operand beats and emits the winners' indices; the
 * probabilities of the winners are the softmax unit's business. With one
 * sorter taking one candidate a cycle, a tile of T tokens and E experts is
 * busy for exactly T * E cycles (gate_stages' top-k stage with sorters = 1,
 * times T); the caller passes that as cmd_kcycles (asserted below).
 *
 * Controller: rtl/fu.v, shared with the other function units (models/fu.c:
 * a 2-entry command FIFO, busy for the command's kcycles cycles, rd_done
 * and wb_done on the last one). Every output is a register: what fu_step
 * writes to `nxt` in cycle t is on the port from the edge that ends
 * cycle t.
 *
 * Logit beats (as smx.v's score beats): busy cycle j of a tile reads
 * candidate j: token j / E, expert j % E. l_rd rises on the edge that ends
 * that cycle, with l_tok and l_exp; the feeder presents that logit on
 * l_data (int32, two's complement) during the next cycle, and the sorter
 * takes it on the edge that ends it.
 *
 * Sorter (gate_topk): a K_MAX-entry register file sorted best first. A
 * candidate goes in front of the first entry it is strictly greater than
 * (entries it ties keep their place, so among equal logits the lower
 * expert index wins); entries behind it move down one, and whatever moves
 * to or beyond k falls out. Expert 0 of a token starts an empty file.
 *
 * Index beats: out_valid, out_tok and out_idx (entry i, best first, at
 * [i*IB +: IB] with IB = index bits of E_MAX; 0 for i >= k) are on the
 * ports from the edge that takes the token's last logit, i.e. one cycle
 * after its last read: token t of a tile whose first busy cycle is b
 * leaves on the edge ending cycle b + (t + 1) E, so the last token's
 * indices follow wb_done by one cycle (the sorter is the stage's last
 * register; the scheduler's pulse says the sorter has read every logit).
 */
`default_nettype none

module gate #(
	parameter integer E_MAX   = 64,	/* most experts (logits a token) */
	parameter integer K_MAX   = 8,	/* most winners a token (GATE_TOPK_MAX) */
	parameter integer T_MAX   = 16,	/* most tokens in a tile */
	parameter integer OP_BITS = 32,	/* op index carried for attribution */
	parameter integer KC_BITS = 24	/* busy cycles of one tile */
) (
	input  wire                                    clk,
	input  wire                                    rst_l,	/* synchronous reset */
	/* command (struct unit_cmd; k comes from cmd.data in the model) */
	input  wire                                    cmd_valid,
	output wire                                    cmd_ready,	/* FIFO not full */
	input  wire [4:0]                              cmd_flags,	/* UNIT_*, echoed */
	input  wire [OP_BITS-1:0]                      cmd_op,
	input  wire [$clog2(T_MAX+1)-1:0]              cmd_rows,	/* tokens T, 1 .. T_MAX */
	input  wire [$clog2(E_MAX+1)-1:0]              cmd_cols,	/* experts E, 1 .. E_MAX */
	input  wire [$clog2(K_MAX+1)-1:0]              cmd_k,	/* winners, 1 .. min(K_MAX, E) */
	input  wire [KC_BITS-1:0]                      cmd_kcycles,	/* busy cycles: T * E */
	/* status and completion pulses (struct fu_out) */
	output wire                                    active,	/* busy in the last cycle */
	output wire                                    rd_done_valid,
	output wire [4:0]                              rd_done_flags,
	output wire [OP_BITS-1:0]                      rd_done_op,
	output wire                                    wb_done_valid,
	output wire [4:0]                              wb_done_flags,
	output wire [OP_BITS-1:0]                      wb_done_op,
	/* logit beats (format above) */
	output reg                                     l_rd,	/* present a logit this cycle */
	output reg  [((T_MAX > 1) ? $clog2(T_MAX) : 1)-1:0] l_tok,
	output reg  [((E_MAX > 1) ? $clog2(E_MAX) : 1)-1:0] l_exp,
	input  wire [31:0]                             l_data,
	/* index beats */
	output reg                                     out_valid,
	output reg  [((T_MAX > 1) ? $clog2(T_MAX) : 1)-1:0] out_tok,
	output reg  [K_MAX*((E_MAX > 1) ? $clog2(E_MAX) : 1)-1:0] out_idx
);
	localparam integer TIB = (T_MAX > 1) ? $clog2(T_MAX) : 1;	/* token index bits */
	localparam integer IB  = (E_MAX > 1) ? $clog2(E_MAX) : 1;	/* expert index bits */
	localparam integer TB  = $clog2(T_MAX + 1);
	localparam integer EB  = $clog2(E_MAX + 1);
	localparam integer KB  = $clog2(K_MAX + 1);

	/* one command, packed: the FIFO entries and cur */
	localparam integer C_FLAGS = 0;
	localparam integer C_OP    = C_FLAGS + 5;
	localparam integer C_T     = C_OP + OP_BITS;
	localparam integer C_E     = C_T + TB;
	localparam integer C_K     = C_E + EB;
	localparam integer C_KC    = C_K + KB;
	localparam integer CMD_W   = C_KC + KC_BITS;

	wire [CMD_W-1:0] cmd_in = {cmd_kcycles, cmd_k, cmd_cols, cmd_rows, cmd_op, cmd_flags};

	/* the controller: models/fu.c, shared with the other function units */
	/* The packed command also carries the controller's fields (flags, op,
	 * kcycles), which fu.v reads and the sorter does not. */
	/* verilator lint_off UNUSEDSIGNAL */
	wire [CMD_W-1:0] cur;		/* tile in progress */
	wire [CMD_W-1:0] cur_n;		/* tile in progress after this clock */
	/* verilator lint_on UNUSEDSIGNAL */
	wire             start;		/* a tile starts this clock */

	fu #(.CMD_W(CMD_W), .KC_BITS(KC_BITS), .OP_BITS(OP_BITS),
	     .C_FLAGS(C_FLAGS), .C_OP(C_OP), .C_KC(C_KC)) ctl (
		.clk(clk), .rst_l(rst_l), .cmd_valid(cmd_valid), .cmd_in(cmd_in),
		.cmd_ready(cmd_ready), .active(active),
		.rd_done_valid(rd_done_valid), .rd_done_flags(rd_done_flags),
		.rd_done_op(rd_done_op), .wb_done_valid(wb_done_valid),
		.wb_done_flags(wb_done_flags), .wb_done_op(wb_done_op),
		.cur(cur), .cur_n(cur_n), .start(start));

	/*
	 * Busy in this cycle (fu_step's busy cycle; fu.v keeps the count
	 * inside): a tile starts, or last cycle's tile was busy and did not
	 * finish on it (wb_done marks a tile's last busy cycle).
	 */
	wire busy = start || (active && !wb_done_valid);

	/* ---- data path state ---- */
	/* sequencer: the next candidate of cur */
	reg [TIB-1:0]     sq_tok;
	reg [IB-1:0]      sq_exp;
	reg               l_first, l_last;	/* the beat presented is expert 0 / E - 1 */
	/* sorter: entry i at [i*32 +: 32] and [i*IB +: IB], best first */
	reg [K_MAX*32-1:0] best;
	reg [K_MAX*IB-1:0] bidx;
	reg [KB-1:0]      cnt;		/* entries in use */

	/* next state */
	reg [TIB-1:0]     sq_tok_n, tokc, l_tok_n, out_tok_n;
	reg [IB-1:0]      sq_exp_n, expc, l_exp_n;
	reg               l_rd_n, l_first_n, l_last_n, out_valid_n;
	reg [K_MAX*32-1:0] best_n;
	reg [K_MAX*IB-1:0] bidx_n, out_idx_n;
	reg [KB-1:0]      cnt_n;
	/* per-cycle temporaries */
	integer           e_i, k_i, n_i, pos, i;

	/* ---- one cycle: the sequencer, then the sorter ---- */
	always @(*) begin
		/* 1. sequencer: every busy cycle reads one candidate of the
		 * tile in progress (the new one from a start on) */
		e_i = {{(32-EB){1'b0}}, cur_n[C_E +: EB]};
		tokc = start ? {TIB{1'b0}} : sq_tok;
		expc = start ? {IB{1'b0}} : sq_exp;
		sq_tok_n = tokc;
		sq_exp_n = expc;
		l_rd_n = 1'b0;
		l_first_n = 1'b0;
		l_last_n = 1'b0;
		l_tok_n = l_tok;
		l_exp_n = l_exp;
		if (busy) begin
			l_rd_n = 1'b1;
			l_tok_n = tokc;
			l_exp_n = expc;
			l_first_n = expc == {IB{1'b0}};
			l_last_n = {{(32-IB){1'b0}}, expc} == e_i - 1;
			if (l_last_n) begin
				sq_exp_n = {IB{1'b0}};
				sq_tok_n = tokc + 1'b1;
			end else begin
				sq_exp_n = expc + 1'b1;
			end
		end

		/* 2. sorter: insert the logit presented this cycle (cur's k:
		 * the tile that issued the read) */
		k_i = {{(32-KB){1'b0}}, cur[C_K +: KB]};
		n_i = l_first ? 0 : {{(32-KB){1'b0}}, cnt};
		pos = n_i;
		for (i = K_MAX - 1; i >= 0; i = i - 1)
			if (i < n_i && $signed(l_data) > $signed(best[i*32 +: 32]))
				pos = i;
		best_n = best;
		bidx_n = bidx;
		cnt_n = cnt;
		if (l_rd) begin
			for (i = K_MAX - 1; i >= 1; i = i - 1) begin
				if (i < k_i && i > pos) begin
					best_n[i*32 +: 32] = best[(i-1)*32 +: 32];
					bidx_n[i*IB +: IB] = bidx[(i-1)*IB +: IB];
				end
			end
			for (i = 0; i < K_MAX; i = i + 1) begin
				if (i < k_i && i == pos) begin
					best_n[i*32 +: 32] = l_data;
					bidx_n[i*IB +: IB] = l_exp;
				end
			end
			cnt_n = KB'((n_i < k_i) ? n_i + 1 : n_i);
		end
		/* 3. a token's last logit: its winners leave */
		out_valid_n = l_rd && l_last;
		out_tok_n = out_valid_n ? l_tok : out_tok;
		out_idx_n = {(K_MAX*IB){1'b0}};
		for (i = 0; i < K_MAX; i = i + 1)
			if (i < k_i)
				out_idx_n[i*IB +: IB] = bidx_n[i*IB +: IB];
		if (!out_valid_n)
			out_idx_n = out_idx;
	end

	always @(posedge clk) begin
		if (!rst_l) begin
			l_rd <= 1'b0;
			l_tok <= {TIB{1'b0}};
			l_exp <= {IB{1'b0}};
			l_first <= 1'b0;
			l_last <= 1'b0;
			out_valid <= 1'b0;
			out_tok <= {TIB{1'b0}};
			out_idx <= {(K_MAX*IB){1'b0}};
			sq_tok <= {TIB{1'b0}};
			sq_exp <= {IB{1'b0}};
			best <= {(K_MAX*32){1'b0}};
			bidx <= {(K_MAX*IB){1'b0}};
			cnt <= {KB{1'b0}};
		end else begin
			l_rd <= l_rd_n;
			l_tok <= l_tok_n;
			l_exp <= l_exp_n;
			l_first <= l_first_n;
			l_last <= l_last_n;
			out_valid <= out_valid_n;
			out_tok <= out_tok_n;
			out_idx <= out_idx_n;
			sq_tok <= sq_tok_n;
			sq_exp <= sq_exp_n;
			best <= best_n;
			bidx <= bidx_n;
			cnt <= cnt_n;
		end
	end

`ifndef SYNTHESIS
	/* malformed command streams; the controller checks its FIFO */
	always @(posedge clk) begin
		if (rst_l) begin
			assert (!(cmd_valid && cmd_ready) ||
				({{(32-TB){1'b0}}, cmd_rows} - 1 < T_MAX &&
				 {{(32-EB){1'b0}}, cmd_cols} - 1 < E_MAX &&
				 {{(32-KB){1'b0}}, cmd_k} - 1 < K_MAX &&
				 {{(32-KB){1'b0}}, cmd_k} <= {{(32-EB){1'b0}}, cmd_cols}))
			else $error("gate: command tokens/experts/k out of range");
			/* the sorter ends with the tile (kcycles = T * E): the read
			 * of the last cycle was the tile's last exactly when the
			 * tile's rd_done is on the ports */
			assert (rd_done_valid == (l_rd && l_last &&
				{{(32-TIB){1'b0}}, l_tok} == {{(32-TB){1'b0}}, cur[C_T +: TB]} - 1))
			else $error("gate: last busy cycle is not the last read (kcycles != T * E?)");
		end
	end
`endif
endmodule

`default_nettype wire
