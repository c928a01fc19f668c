/*
 * gate.v - the MoE gate unit, whole: router logits, softmax over the
 * experts, top-k. The RTL twin of models/fu.c (controller, port timing),
 * models/gate.c (gate_stages, gate_cycles: the schedule; gate_token: the
 * arithmetic) and models/smx_ref.c (the softmax of one row).
 *
 * Controller: rtl/fu.v, shared with the other function units (a 2-entry
 * command FIFO, busy for the command's kcycles cycles, rd_done and wb_done
 * on the last one). The planner gives a tile of T tokens gate_cycles; this
 * unit's own schedule must end on that cycle (asserted below).
 *
 * Three stages work on different tokens at once, each on one token at a
 * time, in token order:
 *   1 logits   ceil(D E / GEMV) cycles: GEMV multiply-accumulates a cycle
 *   2 softmax  one row of E on the softmax data path of ALGORITHM:
 *              ceil(E / LANES) read cycles, the row's reciprocal (online:
 *              RECIP_LATENCY) or division (ita: ceil(DIV_LATENCY /
 *              DIVIDERS)), ceil(E / LANES) read cycles, EXP_LATENCY
 *              (smx_cycles of one row)
 *   3 top-k    ceil(E / SORTERS) cycles: SORTERS candidates a cycle, in
 *              expert order, into one k-entry sorted register file
 * A stage starts its next token on the cycle after it ends the last one,
 * once the stage before has ended that token. The logits and the
 * probabilities of a token live in one of three slots (token % 3) from
 * stage 1's start to stage 3's end, so stage 1 starts token i only after
 * stage 3 has ended token i - 3. With three slots the stages never wait on
 * one another beyond the slowest, and a tile takes exactly
 *   T max(a1, a2, a3) + (a1 + a2 + a3 - max)  = gate_cycles
 * (two slots would not do: stage 1 would wait on stage 3 whenever
 * a1 + a2 + a3 > 2 max).
 *
 * Timing, as in rtl/smx.v: the sequencer decides in cycle t; what it
 * decides (a beat to read, a candidate to sort) is on registers from the
 * edge that ends t, and the data path does it in cycle t + 1. So every
 * stage's work lags its sequencer by one cycle, and stage k + 1's first
 * read comes one cycle after stage k's last write.
 *
 * Operand beats (stage 1): g_rd rises on the edge that ends a logits
 * cycle, with g_tok (token in the tile) and g_beat (beat of the token).
 * Beat j holds products p = j GEMV + l, lane l = 0 .. GEMV - 1, in W_gate's
 * row-major order (p = d E + e): the feeder presents, during the next
 * cycle, W_gate[d][e] on g_w lane l and the token's x[d] on g_a lane l
 * ([l*8 +: 8], two's complement); lanes at p >= D E are ignored. The logit
 * of expert e is the int32 sum over d of x[d] W_gate[d][e].
 *
 * Softmax (stage 2): the scores are the logits requantized to int8 as the
 * engine does (round half up by 2^(shift - 1), >> shift, saturate), read
 * LANES at a time from the token's slot; rtl/smx_online.v or
 * rtl/smx_ita.v computes the row in the format of cmd_in_frac (and
 * cmd_ita_eps32). Probabilities (uint8, real = p / 256) pass an
 * EXP_LATENCY-stage pipeline into the slot.
 *
 * Top-k (stage 3, gate_topk): a K_MAX-entry register file sorted best
 * first, on the int32 logits. A candidate goes in front of the first entry
 * it is strictly greater than (equal logits keep their order: the lower
 * expert index wins); entries behind move down one, and what moves to or
 * beyond k falls out. The SORTERS candidates of a cycle go in one after
 * another (a chain of insertion cells), so the result is that of one
 * candidate a cycle.
 *
 * Index beats: out_valid, out_tok, out_idx (entry i best first at
 * [i*IB +: IB], IB = index bits of E_MAX) and out_score (the winners'
 * probabilities, [i*8 +: 8]; both 0 for i >= k) are on the ports from the
 * edge that ends stage 3's last data cycle of the token: the tile's last
 * token one cycle after wb_done.
 */
`default_nettype none

module gate #(
	parameter integer E_MAX         = 64,	/* most experts */
	parameter integer K_MAX         = 8,	/* most winners a token (GATE_TOPK_MAX) */
	parameter integer T_MAX         = 16,	/* most tokens in a tile */
	parameter integer D_MAX         = 256,	/* longest token (x width) */
	parameter integer GEMV          = 16,	/* [gate] gemv_width: MACs a cycle, >= 1 */
	parameter integer SORTERS       = 1,	/* [gate] sorters: candidates a cycle */
	parameter integer LANES         = 2,	/* [softmax] lanes */
	parameter integer ALGORITHM     = 0,	/* [softmax] algorithm: 0 online, 1 ita */
	parameter integer EXP_LATENCY   = 2,	/* [softmax] exp_latency, >= 1 */
	parameter integer RECIP_LATENCY = 8,	/* [softmax] recip_latency (online) */
	parameter integer DIVIDERS      = 2,	/* [softmax] dividers (ita) */
	parameter integer DIV_LATENCY   = 19,	/* [softmax] div_latency (ita) */
	parameter integer OP_BITS       = 32,	/* op index carried for attribution */
	parameter integer KC_BITS       = 24	/* busy cycles of one tile */
) (
`include "rtl/fu_pins.vh"
	/* the rest of the command (struct unit_cmd; D, E, k, shift and the format from the plan) */
	input  wire [$clog2(T_MAX+1)-1:0]              cmd_rows,	/* tokens T, 1 .. T_MAX */
	input  wire [$clog2(D_MAX+1)-1:0]              cmd_d,	/* token width D, 1 .. D_MAX */
	input  wire [$clog2(E_MAX+1)-1:0]              cmd_cols,	/* experts E, 1 .. E_MAX */
	input  wire [$clog2(K_MAX+1)-1:0]              cmd_k,	/* winners, 1 .. min(K_MAX, E) */
	input  wire [4:0]                              cmd_shift,	/* logit requantization, 1 .. 31 */
	input  wire [4:0]                              cmd_in_frac,	/* fractional bits of the scores */
	input  wire                                    cmd_ita_eps32,	/* ita: smx_fmt.ita_eps32 */
	/* operand beats (format above) */
	output reg                                     g_rd,
	output reg  [((T_MAX > 1) ? $clog2(T_MAX) : 1)-1:0] g_tok,
	output reg  [$clog2((D_MAX*E_MAX+GEMV-1)/GEMV+1)-1:0] g_beat,
	input  wire [GEMV*8-1:0]                       g_a,
	input  wire [GEMV*8-1:0]                       g_w,
	/* index beats */
	output reg                                     out_valid,
	output reg  [((T_MAX > 1) ? $clog2(T_MAX) : 1)-1:0] out_tok,
	output reg  [K_MAX*((E_MAX > 1) ? $clog2(E_MAX) : 1)-1:0] out_idx,
	output reg  [K_MAX*8-1:0]                      out_score
);
	localparam integer TIB  = (T_MAX > 1) ? $clog2(T_MAX) : 1;	/* token index bits */
	localparam integer IB   = (E_MAX > 1) ? $clog2(E_MAX) : 1;	/* expert index bits */
	localparam integer TB   = $clog2(T_MAX + 1);
	localparam integer DB   = $clog2(D_MAX + 1);
	localparam integer EB   = $clog2(E_MAX + 1);
	localparam integer KB   = $clog2(K_MAX + 1);
	localparam integer BB   = $clog2((D_MAX*E_MAX+GEMV-1)/GEMV+1);	/* beat index bits */
	localparam integer CMAX = (E_MAX + LANES - 1) / LANES;	/* softmax beats a row */
	localparam integer CIB  = (CMAX > 1) ? $clog2(CMAX) : 1;
	/* the row's reciprocal (online) or division (ita), cycles */
	localparam integer LAT  = (ALGORITHM == 1) ? (DIV_LATENCY + DIVIDERS - 1) / DIVIDERS
						: RECIP_LATENCY;
	localparam integer PCB  = 32;	/* phase counters: up to max(LAT, CMAX, EXP_LATENCY) */
	localparam integer PW   = 1 + 2 + CIB + LANES * 8;	/* one probability beat in flight */
	/* stage 1: a lane's row d of W_gate (a beat's last lane may run GEMV
	 * products past D E), and one expert's share of a beat, exact */
	localparam integer DDB  = $clog2(D_MAX + GEMV + 2);
	localparam integer SB   = 17 + $clog2(GEMV);

	/* one command, packed: the FIFO entries and cur */
	localparam integer C_FLAGS = 0;
	localparam integer C_OP    = C_FLAGS + 5;
	localparam integer C_T     = C_OP + OP_BITS;
	localparam integer C_D     = C_T + TB;
	localparam integer C_E     = C_D + DB;
	localparam integer C_K     = C_E + EB;
	localparam integer C_SH    = C_K + KB;
	localparam integer C_FRAC  = C_SH + 5;
	localparam integer C_EPS   = C_FRAC + 5;
	localparam integer C_KC    = C_EPS + 1;
	localparam integer CMD_W   = C_KC + KC_BITS;

	/* stage 2 phases */
	localparam [1:0] PH_P1 = 2'd0;	/* pass 1: read the row (the phases in order) */
	localparam [1:0] PH_W  = 2'd1;	/* the reciprocal or division */
	localparam [1:0] PH_P2 = 2'd2;	/* pass 2: read the row, emit probabilities */
	localparam [1:0] PH_X  = 2'd3;	/* the exp pipeline drains */

	wire [CMD_W-1:0] cmd_in = {cmd_kcycles, cmd_ita_eps32, cmd_in_frac, cmd_shift, cmd_k,
				   cmd_cols, cmd_d, cmd_rows, cmd_op, cmd_flags};

	/* the controller: models/fu.c, shared with the other function units */
`include "rtl/fu_ctl.vh"

	/* busy in this cycle: fu_step's busy cycle (wb_done marks a tile's last) */
	wire busy = start || (active && !wb_done_valid);

	/* ---- sequencer state: per stage, tokens started and ended, the token
	 * in progress, its slot and the position within it ---- */
	reg [TB-1:0]  nx1, nx2, nx3;	/* tokens started */
	reg [TB-1:0]  f1, f2, f3;	/* tokens ended */
	reg           b1, b2, b3;	/* a token in progress */
	reg [TIB-1:0] tk1, tk3;		/* the token in progress */
	reg [1:0]     sl1, sl2, sl3;	/* its slot */
	reg [BB-1:0]  bt1;		/* stage 1: next beat */
	reg [31:0]    pr1;		/* stage 1: first product of the next beat */
	reg [1:0]     ph2;		/* stage 2: phase */
	reg [PCB-1:0] ct2;		/* stage 2: cycle within the phase */
	reg [EB-1:0]  cd3;		/* stage 3: first candidate of the next cycle */
	/* ---- the data path's orders: the sequencer's decisions of last cycle ---- */
	reg           d1_first;		/* g_rd's beat is the token's first */
	reg [1:0]     d1_slot;
	reg           d2_take1, d2_take2;
	reg [CIB-1:0] d2_col;
	reg [1:0]     d2_slot;
	reg           d3_take, d3_first, d3_last;
	reg [TIB-1:0] d3_tok;
	reg [1:0]     d3_slot;
	reg [EB-1:0]  d3_cd;
	reg           done_q;		/* stage 3 ended the tile's last token last cycle */
	/* ---- data path state ---- */
	reg [DDB-1:0] dd1;		/* stage 1: (d, e) of the next product */
	reg [EB-1:0]  de1;
	reg [3*E_MAX*32-1:0] lg;	/* logits, slot s expert e at [(s*E_MAX+e)*32 +: 32] */
	reg [3*E_MAX*8-1:0]  pb;	/* probabilities, [(s*E_MAX+e)*8 +: 8] */
	reg [EXP_LATENCY*PW-1:0] pipe;	/* probability beats in flight */
	reg [K_MAX*32-1:0] best;	/* sorter: entry i's logit at [i*32 +: 32] */
	reg [K_MAX*IB-1:0] bidx;	/* ... and its expert at [i*IB +: IB] */
	reg [KB-1:0]  cnt;		/* entries in use */

	/* next state */
	reg [TB-1:0]  nx1_n, nx2_n, nx3_n, f1_n, f2_n, f3_n;
	reg           b1_n, b2_n, b3_n;
	reg [TIB-1:0] tk1_n, tk3_n;
	reg [1:0]     sl1_n, sl2_n, sl3_n;
	reg [BB-1:0]  bt1_n;
	reg [31:0]    pr1_n;
	reg [1:0]     ph2_n;
	reg [PCB-1:0] ct2_n;
	reg [EB-1:0]  cd3_n;
	reg           g_rd_n, d1_first_n, d2_take1_n, d2_take2_n, d3_take_n;
	reg           d3_first_n, d3_last_n, done_n, load;
	reg [TIB-1:0] g_tok_n, d3_tok_n;
	reg [BB-1:0]  g_beat_n;
	reg [1:0]     d1_slot_n, d2_slot_n, d3_slot_n;
	reg [CIB-1:0] d2_col_n;
	reg [EB-1:0]  d3_cd_n;
	reg [DDB-1:0] dd1_n;
	reg [EB-1:0]  de1_n;
	reg [3*E_MAX*32-1:0] lg_n;
	reg [3*E_MAX*8-1:0]  pb_n;
	reg [EXP_LATENCY*PW-1:0] pipe_n;
	reg [K_MAX*32-1:0] best_n;
	reg [K_MAX*IB-1:0] bidx_n, out_idx_n;
	reg [K_MAX*8-1:0]  out_score_n;
	reg [KB-1:0]  cnt_n;
	reg           out_valid_n;
	reg [TIB-1:0] out_tok_n;
	/* per-cycle temporaries */
	integer       t_i, dxe_i, c_i, len2_i;		/* sequencer */
	integer       s1, e1;				/* stage 1 data */
	integer       e2_i, sh2_i, l2, x2, i2, s2, c2;	/* stage 2 data */
	integer       e3_i, k3_i, n3_i, l3, x3, i3, pos3, e3;	/* stage 3 data */
	reg [TB-1:0]  f1c, f2c, f3c;		/* tokens ended, as this cycle sees them */
	reg signed [31:0]  v2, v3;
	reg signed [32:0]  rq;
	reg [LANES*8-1:0]  z;		/* this softmax beat's scores */
	wire [LANES*8-1:0] pv;		/* ... and its probabilities (pass 2) */

	/* expert e, or 0 beyond E_MAX: the index of a register that a loop's
	 * bounds check (e < E_MAX) keeps out of reach anyway */
	function integer in_e(input integer e);
		in_e = (e < E_MAX) ? e : 0;
	endfunction

	/* a stage may start token nx of t: none in progress, and lim (the
	 * tokens the stage before has ended; stage 1: those whose slot is
	 * free) above nx */
	function tok_ready(input b, input [TB-1:0] nx, input integer t, input integer lim);
		tok_ready = !b && {{(32-TB){1'b0}}, nx} < t && lim > {{(32-TB){1'b0}}, nx};
	endfunction

	/* a stage starts its next token */
	task tok_start(inout b, inout [TB-1:0] nx);
		begin
			b = 1'b1;
			nx = nx + 1'b1;
		end
	endtask

	/* a stage ends its token: one more ended, the next token's slot */
	task tok_end(inout b, inout [TB-1:0] f, inout [1:0] sl);
		begin
			b = 1'b0;
			f = f + 1'b1;
			sl = (sl == 2'd2) ? 2'd0 : sl + 2'd1;
		end
	endtask

	/* ---- the sequencer: which token each stage works on, in cur_n's tile ---- */
	always @(*) begin
		t_i  = {{(32-TB){1'b0}}, cur_n[C_T +: TB]};
		dxe_i = {{(32-DB){1'b0}}, cur_n[C_D +: DB]} * {{(32-EB){1'b0}}, cur_n[C_E +: EB]};
		c_i  = ({{(32-EB){1'b0}}, cur_n[C_E +: EB]} + LANES - 1) / LANES;
		nx1_n = start ? {TB{1'b0}} : nx1;
		nx2_n = start ? {TB{1'b0}} : nx2;
		nx3_n = start ? {TB{1'b0}} : nx3;
		f1c = start ? {TB{1'b0}} : f1;
		f2c = start ? {TB{1'b0}} : f2;
		f3c = start ? {TB{1'b0}} : f3;
		f1_n = f1c;
		f2_n = f2c;
		f3_n = f3c;
		b1_n = start ? 1'b0 : b1;
		b2_n = start ? 1'b0 : b2;
		b3_n = start ? 1'b0 : b3;
		sl1_n = start ? 2'd0 : sl1;
		sl2_n = start ? 2'd0 : sl2;
		sl3_n = start ? 2'd0 : sl3;
		tk1_n = tk1;
		tk3_n = tk3;
		bt1_n = bt1;
		pr1_n = pr1;
		ph2_n = ph2;
		ct2_n = ct2;
		cd3_n = cd3;
		g_rd_n = 1'b0;
		g_tok_n = g_tok;
		g_beat_n = g_beat;
		d1_first_n = 1'b0;
		d1_slot_n = d1_slot;
		d2_take1_n = 1'b0;
		d2_take2_n = 1'b0;
		d2_col_n = d2_col;
		d2_slot_n = d2_slot;
		d3_take_n = 1'b0;
		d3_first_n = 1'b0;
		d3_last_n = 1'b0;
		d3_tok_n = d3_tok;
		d3_slot_n = d3_slot;
		d3_cd_n = d3_cd;
		done_n = 1'b0;
		load = 1'b0;
		len2_i = 0;
		if (busy) begin
			/* stage 1: a token whose slot stage 3 has freed */
			if (tok_ready(b1_n, nx1_n, t_i, {{(32-TB){1'b0}}, f3c} + 3)) begin
				tk1_n = nx1_n[TIB-1:0];
				tok_start(b1_n, nx1_n);
				bt1_n = {BB{1'b0}};
				pr1_n = 32'd0;
			end
			if (b1_n) begin
				g_rd_n = 1'b1;
				g_tok_n = tk1_n;
				g_beat_n = bt1_n;
				d1_first_n = bt1_n == {BB{1'b0}};
				d1_slot_n = sl1_n;
				bt1_n = bt1_n + 1'b1;
				pr1_n = pr1_n + GEMV;
				if (pr1_n >= dxe_i) begin
					tok_end(b1_n, f1_n, sl1_n);
				end
			end

			/* stage 2: a token whose logits stage 1 has ended */
			if (tok_ready(b2_n, nx2_n, t_i, {{(32-TB){1'b0}}, f1c})) begin
				tok_start(b2_n, nx2_n);
				ph2_n = PH_P1;
				ct2_n = {PCB{1'b0}};
			end
			if (b2_n) begin
				d2_slot_n = sl2_n;
				/* a pass reads the row (pass 1, then pass 2 after the
				 * division); the division loads on its first cycle */
				d2_take1_n = ph2_n == PH_P1;
				d2_take2_n = ph2_n == PH_P2;
				if (ph2_n == PH_P1 || ph2_n == PH_P2)
					d2_col_n = ct2_n[CIB-1:0];
				/* the row's last pass-1 beat is taken in W's first cycle */
				load = ph2_n == PH_W && ct2_n == {PCB{1'b0}};
				/* each phase lasts len2_i cycles; P1, W, P2, X in turn */
				len2_i = (ph2_n == PH_W) ? LAT : (ph2_n == PH_X) ? EXP_LATENCY : c_i;
				if (ct2_n != PCB'(len2_i - 1)) begin
					ct2_n = ct2_n + 1'b1;
				end else if (ph2_n != PH_X) begin
					ph2_n = ph2_n + 2'd1;
					ct2_n = {PCB{1'b0}};
				end else begin
					tok_end(b2_n, f2_n, sl2_n);
				end
			end

			/* stage 3: a token whose probabilities stage 2 has ended */
			if (tok_ready(b3_n, nx3_n, t_i, {{(32-TB){1'b0}}, f2c})) begin
				tk3_n = nx3_n[TIB-1:0];
				tok_start(b3_n, nx3_n);
				cd3_n = {EB{1'b0}};
			end
			if (b3_n) begin
				d3_take_n = 1'b1;
				d3_first_n = cd3_n == {EB{1'b0}};
				d3_tok_n = tk3_n;
				d3_slot_n = sl3_n;
				d3_cd_n = cd3_n;
				d3_last_n = {{(32-EB){1'b0}}, cd3_n} + SORTERS >=
					    {{(32-EB){1'b0}}, cur_n[C_E +: EB]};
				cd3_n = EB'({{(32-EB){1'b0}}, cd3_n} + SORTERS);
				if (d3_last_n) begin
					tok_end(b3_n, f3_n, sl3_n);
					done_n = {{(32-TB){1'b0}}, f3_n} == t_i;
				end
			end
		end
	end

	/* ---- stage 1 data: this beat's products into the token's logits ----
	 * Lane l's product is the one after lane l - 1's in W_gate's row-major
	 * order: a chain of (d, e) counters across the lanes. Each expert adds
	 * up the lanes that are its own (a mask per lane and expert, then one
	 * sum: indices are compared, never used to address a register) and adds
	 * that to its logit in the token's slot; the sum of a beat is exact in
	 * SB bits, so it is the int32 sum of the products. */
	wire [EB-1:0]      e1_n = cur[C_E +: EB];	/* experts E */
	wire [DDB-1:0]     d1_n = {{(DDB-DB){1'b0}}, cur[C_D +: DB]};	/* width D */
	reg  [DDB-1:0]     dd_c;	/* the chain: (d, e) of lane l */
	reg  [EB-1:0]      de_c;
	reg  [GEMV*EB-1:0] le;		/* lane l's expert e at [l*EB +: EB] */
	reg  [GEMV-1:0]    lv;		/* lane l has a product: d < D */
	reg  [GEMV-1:0]    lf;		/* ... of row d = 0: the logit starts from it */
	wire [GEMV*SB-1:0] lp;		/* ... the product, sign-extended to SB bits */
	integer            l1;
	wire [E_MAX*32-1:0] lg1;	/* the logits of d1_slot */
	wire [E_MAX*32-1:0] bnew;	/* each expert's logit after this beat */
	wire [E_MAX-1:0]    bhit;	/* expert e has products in this beat */
	always @(*) begin
		dd_c = d1_first ? {DDB{1'b0}} : dd1;
		de_c = d1_first ? {EB{1'b0}} : de1;
		for (l1 = 0; l1 < GEMV; l1 = l1 + 1) begin
			le[l1*EB +: EB] = de_c;
			lv[l1] = dd_c < d1_n;
			lf[l1] = dd_c == {DDB{1'b0}};
			if (de_c + 1'b1 == e1_n) begin	/* the row ends here */
				de_c = {EB{1'b0}};
				dd_c = dd_c + 1'b1;
			end else begin
				de_c = de_c + 1'b1;
			end
		end
	end
	assign lg1 = (d1_slot == 2'd0) ? lg[0 +: E_MAX*32] :
		     (d1_slot == 2'd1) ? lg[E_MAX*32 +: E_MAX*32] : lg[2*E_MAX*32 +: E_MAX*32];
	genvar gl, ge;
	generate
	for (gl = 0; gl < GEMV; gl = gl + 1) begin : g_lane
		wire signed [15:0] p = $signed(g_a[gl*8 +: 8]) * $signed(g_w[gl*8 +: 8]);
		assign lp[gl*SB +: SB] = {{(SB-16){p[15]}}, p};
	end
	for (ge = 0; ge < E_MAX; ge = ge + 1) begin : g_expert
		reg [SB-1:0] sum;	/* this beat's products of expert ge */
		reg          hit;	/* ... there are some */
		reg          first;	/* ... they include its d = 0 one */
		reg          m;
		integer      l;
		always @(*) begin
			sum = {SB{1'b0}};
			hit = 1'b0;
			first = 1'b0;
			for (l = 0; l < GEMV; l = l + 1) begin
				m = lv[l] && {{(32-EB){1'b0}}, le[l*EB +: EB]} == ge;
				sum = sum + (lp[l*SB +: SB] & {SB{m}});
				hit = hit || m;
				first = first || (m && lf[l]);
			end
		end
		assign bhit[ge] = hit;
		assign bnew[ge*32 +: 32] = {{(32-SB){sum[SB-1]}}, sum} +
					   (first ? 32'd0 : lg1[ge*32 +: 32]);
	end
	endgenerate

	always @(*) begin
		dd1_n = g_rd ? dd_c : dd1;
		de1_n = g_rd ? de_c : de1;
		lg_n = lg;
		for (s1 = 0; s1 < 3; s1 = s1 + 1)
			for (e1 = 0; e1 < E_MAX; e1 = e1 + 1)
				if (g_rd && bhit[e1] && {30'd0, d1_slot} == s1)
					lg_n[(s1*E_MAX+e1)*32 +: 32] = bnew[e1*32 +: 32];
	end

	/* ---- stage 2 data: the logits as int8 scores, the softmax data path,
	 * its probabilities through the exp pipeline into the slot ---- */
	wire [E_MAX*32-1:0] lg2 = (d2_slot == 2'd0) ? lg[0 +: E_MAX*32] :
				  (d2_slot == 2'd1) ? lg[E_MAX*32 +: E_MAX*32] :
						      lg[2*E_MAX*32 +: E_MAX*32];
	always @(*) begin
		e2_i = {{(32-EB){1'b0}}, cur[C_E +: EB]};
		sh2_i = {27'd0, cur[C_SH +: 5]};
		x2 = 0;
		v2 = 32'sd0;
		rq = 33'sd0;
		pipe_n = pipe;
		pb_n = pb;
		z = {(LANES*8){1'b0}};
		for (l2 = 0; l2 < LANES; l2 = l2 + 1) begin
			x2 = {{(32-CIB){1'b0}}, d2_col} * LANES + l2;
			if (x2 < e2_i) begin
				/* expert c LANES + l2 of beat c = d2_col */
				for (c2 = 0; c2 < CMAX; c2 = c2 + 1)
					if (c2*LANES + l2 < E_MAX && {{(32-CIB){1'b0}}, d2_col} == c2)
						v2 = lg2[in_e(c2*LANES + l2)*32 +: 32];
				rq = {v2[31], v2};
				rq = (rq + (33'sd1 <<< (sh2_i - 1))) >>> sh2_i;
				z[l2*8 +: 8] = (rq > 33'sd127) ? 8'h7f : (rq < -33'sd128) ? 8'h80 : rq[7:0];
			end
		end
		for (i2 = EXP_LATENCY - 1; i2 > 0; i2 = i2 - 1)
			pipe_n[i2*PW +: PW] = pipe[(i2-1)*PW +: PW];
		pipe_n[0 +: PW] = d2_take2 ? {1'b1, d2_slot, d2_col, pv} : {PW{1'b0}};
		/* the oldest beat's lane l2 is expert c LANES + l2 of its slot,
		 * c its beat */
		pb_n = pb;
		for (s2 = 0; s2 < 3; s2 = s2 + 1)
			for (c2 = 0; c2 < CMAX; c2 = c2 + 1)
				for (l2 = 0; l2 < LANES; l2 = l2 + 1)
					if (c2*LANES + l2 < E_MAX && pipe[(EXP_LATENCY-1)*PW + PW - 1] &&
					    {30'd0, pipe[(EXP_LATENCY-1)*PW + LANES*8 + CIB +: 2]} == s2 &&
					    {{(32-CIB){1'b0}}, pipe[(EXP_LATENCY-1)*PW + LANES*8 +: CIB]} == c2)
						pb_n[(s2*E_MAX+in_e(c2*LANES+l2))*8 +: 8] =
							pipe[(EXP_LATENCY-1)*PW + l2*8 +: 8];
	end

	/* stage 2's orders to the softmax data path of ALGORITHM; no fused
	 * front end (rtl/smx_dp.vh) */
	localparam integer DP_N       = E_MAX;
	localparam integer FUSED_ROWS = 1;
	wire               dp_take1 = d2_take1;
	wire               dp_take2 = d2_take2;
	wire [CIB-1:0]     dp_col = d2_col;
	wire [LANES*8-1:0] dp_x = z;
	wire [EB-1:0]      dp_n = cur[C_E +: EB];
	wire               dp_load = load;
	wire               d_valid = 1'b0, d_row = 1'b0, f_valid = 1'b0, f_row = 1'b0;
	wire [EB-1:0]      d_col = {EB{1'b0}}, d_n = {EB{1'b0}}, f_col = {EB{1'b0}},
			   f_k0 = {EB{1'b0}}, f_klen = {EB{1'b0}};
	wire [$clog2(LANES+1)-1:0] d_cnt = {$clog2(LANES+1){1'b0}}, f_cnt = {$clog2(LANES+1){1'b0}};
	wire [4:0]         d_frac = 5'd0, f_frac = 5'd0;
	wire [LANES*8-1:0] d_data = {(LANES*8){1'b0}};
	wire               dp_chk = 1'b0, dp_chk_r0 = 1'b0, dp_chk_rows = 1'b0;
	/* verilator lint_off UNUSEDSIGNAL */
	wire [LANES*8-1:0] fpv;		/* the fused front end's fetches: none */
	/* verilator lint_on UNUSEDSIGNAL */
`include "rtl/smx_dp.vh"

	/* ---- stage 3 data: SORTERS candidates into the sorted file; the
	 * token's winners leave after its last ---- */
	wire [E_MAX*32-1:0] lg3 = (d3_slot == 2'd0) ? lg[0 +: E_MAX*32] :
				  (d3_slot == 2'd1) ? lg[E_MAX*32 +: E_MAX*32] :
						      lg[2*E_MAX*32 +: E_MAX*32];
	wire [E_MAX*8-1:0]  pb3 = (d3_slot == 2'd0) ? pb[0 +: E_MAX*8] :
				  (d3_slot == 2'd1) ? pb[E_MAX*8 +: E_MAX*8] :
						      pb[2*E_MAX*8 +: E_MAX*8];
	always @(*) begin
		e3_i = {{(32-EB){1'b0}}, cur[C_E +: EB]};
		k3_i = {{(32-KB){1'b0}}, cur[C_K +: KB]};
		x3 = 0;
		v3 = 32'sd0;
		n3_i = 0;
		pos3 = 0;
		best_n = best;
		bidx_n = bidx;
		cnt_n = d3_first ? {KB{1'b0}} : cnt;
		if (d3_take) begin
			for (l3 = 0; l3 < SORTERS; l3 = l3 + 1) begin
				x3 = {{(32-EB){1'b0}}, d3_cd} + l3;
				if (x3 < e3_i) begin
					for (e3 = 0; e3 < E_MAX; e3 = e3 + 1)
						if (x3 == e3)
							v3 = lg3[e3*32 +: 32];
					n3_i = {{(32-KB){1'b0}}, cnt_n};
					pos3 = n3_i;
					for (i3 = K_MAX - 1; i3 >= 0; i3 = i3 - 1)
						if (i3 < n3_i && v3 > $signed(best_n[i3*32 +: 32]))
							pos3 = i3;
					for (i3 = K_MAX - 1; i3 >= 1; i3 = i3 - 1)
						if (i3 < k3_i && i3 > pos3) begin
							best_n[i3*32 +: 32] = best_n[(i3-1)*32 +: 32];
							bidx_n[i3*IB +: IB] = bidx_n[(i3-1)*IB +: IB];
						end
					for (i3 = 0; i3 < K_MAX; i3 = i3 + 1)
						if (i3 < k3_i && i3 == pos3) begin
							best_n[i3*32 +: 32] = v3;
							bidx_n[i3*IB +: IB] = IB'(x3);
						end
					cnt_n = KB'((n3_i < k3_i) ? n3_i + 1 : n3_i);
				end
			end
		end
		out_valid_n = d3_take && d3_last;
		out_tok_n = out_valid_n ? d3_tok : out_tok;
		out_idx_n = out_idx;
		out_score_n = out_score;
		if (out_valid_n) begin
			out_idx_n = {(K_MAX*IB){1'b0}};
			out_score_n = {(K_MAX*8){1'b0}};
			for (i3 = 0; i3 < K_MAX; i3 = i3 + 1)
				if (i3 < k3_i) begin
					out_idx_n[i3*IB +: IB] = bidx_n[i3*IB +: IB];
					for (e3 = 0; e3 < E_MAX; e3 = e3 + 1)
						if ({{(32-IB){1'b0}}, bidx_n[i3*IB +: IB]} == e3)
							out_score_n[i3*8 +: 8] = pb3[e3*8 +: 8];
				end
		end
	end

	always @(posedge clk) begin
		if (!rst_l) begin
			nx1 <= {TB{1'b0}}; nx2 <= {TB{1'b0}}; nx3 <= {TB{1'b0}};
			f1 <= {TB{1'b0}}; f2 <= {TB{1'b0}}; f3 <= {TB{1'b0}};
			b1 <= 1'b0; b2 <= 1'b0; b3 <= 1'b0;
			tk1 <= {TIB{1'b0}}; tk3 <= {TIB{1'b0}};
			sl1 <= 2'd0; sl2 <= 2'd0; sl3 <= 2'd0;
			bt1 <= {BB{1'b0}};
			pr1 <= 32'd0;
			ph2 <= PH_P1;
			ct2 <= {PCB{1'b0}};
			cd3 <= {EB{1'b0}};
			g_rd <= 1'b0;
			g_tok <= {TIB{1'b0}};
			g_beat <= {BB{1'b0}};
			d1_first <= 1'b0;
			d1_slot <= 2'd0;
			d2_take1 <= 1'b0;
			d2_take2 <= 1'b0;
			d2_col <= {CIB{1'b0}};
			d2_slot <= 2'd0;
			d3_take <= 1'b0;
			d3_first <= 1'b0;
			d3_last <= 1'b0;
			d3_tok <= {TIB{1'b0}};
			d3_slot <= 2'd0;
			d3_cd <= {EB{1'b0}};
			done_q <= 1'b0;
			dd1 <= {DDB{1'b0}};
			de1 <= {EB{1'b0}};
			lg <= {(3*E_MAX*32){1'b0}};
			pb <= {(3*E_MAX*8){1'b0}};
			pipe <= {(EXP_LATENCY*PW){1'b0}};
			best <= {(K_MAX*32){1'b0}};
			bidx <= {(K_MAX*IB){1'b0}};
			cnt <= {KB{1'b0}};
			out_valid <= 1'b0;
			out_tok <= {TIB{1'b0}};
			out_idx <= {(K_MAX*IB){1'b0}};
			out_score <= {(K_MAX*8){1'b0}};
		end else begin
			nx1 <= nx1_n; nx2 <= nx2_n; nx3 <= nx3_n;
			f1 <= f1_n; f2 <= f2_n; f3 <= f3_n;
			b1 <= b1_n; b2 <= b2_n; b3 <= b3_n;
			tk1 <= tk1_n; tk3 <= tk3_n;
			sl1 <= sl1_n; sl2 <= sl2_n; sl3 <= sl3_n;
			bt1 <= bt1_n;
			pr1 <= pr1_n;
			ph2 <= ph2_n;
			ct2 <= ct2_n;
			cd3 <= cd3_n;
			g_rd <= g_rd_n;
			g_tok <= g_tok_n;
			g_beat <= g_beat_n;
			d1_first <= d1_first_n;
			d1_slot <= d1_slot_n;
			d2_take1 <= d2_take1_n;
			d2_take2 <= d2_take2_n;
			d2_col <= d2_col_n;
			d2_slot <= d2_slot_n;
			d3_take <= d3_take_n;
			d3_first <= d3_first_n;
			d3_last <= d3_last_n;
			d3_tok <= d3_tok_n;
			d3_slot <= d3_slot_n;
			d3_cd <= d3_cd_n;
			done_q <= done_n;
			dd1 <= dd1_n;
			de1 <= de1_n;
			lg <= lg_n;
			pb <= pb_n;
			pipe <= pipe_n;
			best <= best_n;
			bidx <= bidx_n;
			cnt <= cnt_n;
			out_valid <= out_valid_n;
			out_tok <= out_tok_n;
			out_idx <= out_idx_n;
			out_score <= out_score_n;
		end
	end

`ifndef SYNTHESIS
	/* malformed command streams; the controller checks its FIFO */
	always @(posedge clk) begin
		if (rst_l) begin
			assert (!(cmd_valid && cmd_ready) ||
				({{(32-TB){1'b0}}, cmd_rows} - 1 < T_MAX &&
				 {{(32-DB){1'b0}}, cmd_d} - 1 < D_MAX &&
				 {{(32-EB){1'b0}}, cmd_cols} - 1 < E_MAX &&
				 {{(32-KB){1'b0}}, cmd_k} - 1 < K_MAX &&
				 {{(32-KB){1'b0}}, cmd_k} <= {{(32-EB){1'b0}}, cmd_cols} &&
				 cmd_shift != 5'd0))
			else $error("gate: command tokens/width/experts/k/shift out of range");
			/* the schedule ends with the tile: kcycles = gate_cycles */
			assert (wb_done_valid == done_q)
			else $error("gate: stage 3 did not end the tile on its last busy cycle (kcycles != gate_cycles?)");
		end
	end
`endif
endmodule

`default_nettype wire
