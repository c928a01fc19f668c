/*
 * smx.v - the softmax unit, algorithms online (ALGORITHM = 0) and ita
 * (ALGORITHM = 1): the RTL twin of models/fu.c (controller, port timing)
 * and models/smx_ref.c (arithmetic of one row); the tile time it is given
 * is models/smx.c's smx_cycles. As in the model, the algorithm is a
 * property of the unit (the config key softmax.algorithm), and the row
 * format (in_frac, ita_eps32) comes with each command.
 *
 * Controller (fu_step, in its order inside one clock): start the oldest
 * queued command when idle (busy count = cmd_kcycles, 1 when 0), one busy
 * cycle, rd_done and wb_done pulses carrying flags and op on the last one,
 * accept into a 2-entry FIFO; cmd_ready = FIFO not full. Every output is a
 * register: what fu_step writes to `nxt` in cycle t is on the port from the
 * edge that ends cycle t.
 *
 * Schedule (both algorithms): a tile is `rows` rows of n = cmd_cols int8
 * scores, c = ceil(n / LANES) beats of LANES scores each. With L the
 * per-row latency (online: R = RECIP_LATENCY, the reciprocal; ita:
 * ceil(DIV_LATENCY / DIVIDERS), the division) and E = EXP_LATENCY the
 * tile's busy cycles run
 *   P1(0) c cycles | W(0) | P2(0) c | W(1) | P2(1) c | ... | W(rows-1) | P2(rows-1) c | E
 * where window W(i) lasts max(L, c) cycles (L for the last row): its first
 * cycle loads row i's statistics into the divider, which then takes its L
 * cycles while pass 1 of row i + 1 reads that row; P2(i) reads row i again
 * and turns each score into a probability. That is
 * c + (rows-1) max(L, c) + L + rows c + E = smx_cycles for online and ita,
 * so the last probability leaves on the cycle of wb_done (asserted below).
 *
 * Score beats (as sde.v's operand beats): x_rd rises on the edge that ends
 * a read cycle, with x_row (row in the tile) and x_col (beat in the row);
 * the feeder presents scores x_row[x_col*LANES + l] on x_data lane l
 * ([l*8 +: 8], two's complement) during the next cycle, and the unit takes
 * them on the edge that ends it. Lanes at or beyond n are ignored.
 * Probability beats: out_valid, out_row, out_col and out_p (lane l at
 * [l*8 +: 8], uint8, 0 at or beyond n) for the scores of a pass-2 read
 * issued in cycle k are on the ports from the edge that ends cycle k + E.
 *
 * Arithmetic, online (bit-exact with smx_row(SMX_ONLINE)): E(d) from the
 * 65-entry 2^-f table with linear interpolation; running max b and Q17.24
 * sum s, rescaled on a new maximum; r = floor(2^48 / s) by restoring
 * division, ceil(25 / R) quotient bits a cycle; p = min(255, round(E(b - x)
 * * r / 2^40)). ita (bit-exact with smx_row(SMX_ITA)): rtl/smx_ita.v.
 * in_frac above 15 reads as 15.
 *
 * ita's dividers: smx_cycles charges ceil(V / D) cycles a row, also for a
 * tile of one row, which D serial dividers that each take a row of their
 * own could not do. This unit reads DIVIDERS as restoring stages that work
 * together on one row, so a row's division lasts ceil(DIV_LATENCY /
 * DIVIDERS) cycles; rtl/smx_ita.v finds the quotient within them.
 */
`default_nettype none

module smx #(
	parameter integer LANES         = 2,	/* [softmax] lanes: scores per cycle */
	parameter integer ALGORITHM     = 0,	/* [softmax] algorithm: 0 online, 1 ita (enum smx_algo) */
	parameter integer EXP_LATENCY   = 2,	/* [softmax] exp_latency: >= 1 */
	parameter integer RECIP_LATENCY = 8,	/* [softmax] recip_latency: online, >= 1 */
	parameter integer DIVIDERS      = 2,	/* [softmax] dividers: ita, >= 1 */
	parameter integer DIV_LATENCY   = 19,	/* [softmax] div_latency: ita, >= 1 */
	parameter integer ROWS          = 4,	/* most rows in a tile */
	parameter integer N_MAX         = 64,	/* longest row, <= 65536 */
	parameter integer OP_BITS       = 32,	/* op index carried for attribution */
	parameter integer KC_BITS       = 24	/* busy cycles of one tile */
) (
	input  wire                                        clk,
	input  wire                                        rst_l,		/* synchronous reset */
	/* command (struct unit_cmd; in_frac comes from cmd.data in the model) */
	input  wire                                        cmd_valid,
	output wire                                        cmd_ready,	/* FIFO not full */
	input  wire [4:0]                                  cmd_flags,	/* UNIT_*, echoed */
	input  wire [OP_BITS-1:0]                          cmd_op,
	input  wire [$clog2(ROWS+1)-1:0]                   cmd_rows,	/* 1 .. ROWS */
	input  wire [$clog2(N_MAX+1)-1:0]                  cmd_cols,	/* row length n, 1 .. N_MAX */
	input  wire [KC_BITS-1:0]                          cmd_kcycles,	/* busy cycles (smx_cycles) */
	input  wire [4:0]                                  cmd_in_frac,	/* fractional bits of the scores */
	input  wire                                        cmd_ita_eps32,	/* ita: smx_fmt.ita_eps32 (online ignores it) */
	/* status and completion pulses (struct fu_out) */
	output wire                                        active,	/* busy in the last cycle */
	output wire                                        rd_done_valid,
	output wire [4:0]                                  rd_done_flags,
	output wire [OP_BITS-1:0]                          rd_done_op,
	output wire                                        wb_done_valid,
	output wire [4:0]                                  wb_done_flags,
	output wire [OP_BITS-1:0]                          wb_done_op,
	/* score beats (format above) */
	output reg                                         x_rd,	/* present a beat this cycle */
	output reg  [((ROWS > 1) ? $clog2(ROWS) : 1)-1:0]   x_row,
	output reg  [(((N_MAX+LANES-1)/LANES > 1) ? $clog2((N_MAX+LANES-1)/LANES) : 1)-1:0] x_col,
	input  wire [LANES*8-1:0]                          x_data,
	/* probability beats */
	output wire                                        out_valid,
	output wire [((ROWS > 1) ? $clog2(ROWS) : 1)-1:0]   out_row,
	output wire [(((N_MAX+LANES-1)/LANES > 1) ? $clog2((N_MAX+LANES-1)/LANES) : 1)-1:0] out_col,
	output wire [LANES*8-1:0]                          out_p
);
	localparam integer CMAX = (N_MAX + LANES - 1) / LANES;	/* beats of the longest row */
	localparam integer RIB  = (ROWS > 1) ? $clog2(ROWS) : 1;	/* row index bits */
	localparam integer CIB  = (CMAX > 1) ? $clog2(CMAX) : 1;	/* beat index bits */
	localparam integer RB   = $clog2(ROWS + 1);
	localparam integer NB   = $clog2(N_MAX + 1);
	/* per-row latency L: the reciprocal (online) or the division (ita) */
	localparam integer LAT      = (ALGORITHM == 1) ? (DIV_LATENCY + DIVIDERS - 1) / DIVIDERS
						   : RECIP_LATENCY;
	/* online divider: 25 quotient bits (2^8 <= r <= 2^24) in L cycles */
	localparam integer QBITS    = 25;
	localparam integer DIV_BITS = (QBITS + LAT - 1) / LAT;
	localparam integer WMAX     = (LAT > CMAX) ? LAT : CMAX;
	localparam integer WB       = $clog2(WMAX + 1);	/* window cycle counter */
	localparam integer PW       = 2 + RIB + CIB + LANES * 8;	/* one probability beat */
	localparam [63:0]  L2E      = 64'd24204406;	/* SMX_L2E */

	/* one command, packed: the FIFO entries and cur */
	localparam integer C_FLAGS = 0;
	localparam integer C_OP    = C_FLAGS + 5;
	localparam integer C_ROWS  = C_OP + OP_BITS;
	localparam integer C_N     = C_ROWS + RB;
	localparam integer C_KC    = C_N + NB;
	localparam integer C_FRAC  = C_KC + KC_BITS;
	localparam integer C_EPS   = C_FRAC + 5;
	localparam integer CMD_W   = C_EPS + 1;

	/* sequencer phases (the tile schedule above) */
	localparam [1:0] PH_IDLE = 2'd0;
	localparam [1:0] PH_P1   = 2'd1;	/* pass 1 of row 0 */
	localparam [1:0] PH_WIN  = 2'd2;	/* divider of row i, pass 1 of row i + 1 */
	localparam [1:0] PH_P2   = 2'd3;	/* pass 2 of row i */

	wire [CMD_W-1:0] cmd_in = {cmd_ita_eps32, cmd_in_frac, cmd_kcycles, cmd_cols,
				   cmd_rows, cmd_op, cmd_flags};

	/* the controller: models/fu.c, shared with the other function units */
	/* The packed command also carries the controller's fields (flags, op,
	 * kcycles), which fu.v reads and this data path does not. */
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


	/* round(2^24 * 2^(-j/64)), j = 0..64 (smx_ref.c exp2_tab) */
	function [24:0] exp2_tab(input [6:0] j);
		case (j)
		7'd0:  exp2_tab = 25'd16777216; 7'd1:  exp2_tab = 25'd16596492;
		7'd2:  exp2_tab = 25'd16417715; 7'd3:  exp2_tab = 25'd16240863;
		7'd4:  exp2_tab = 25'd16065917; 7'd5:  exp2_tab = 25'd15892855;
		7'd6:  exp2_tab = 25'd15721658; 7'd7:  exp2_tab = 25'd15552304;
		7'd8:  exp2_tab = 25'd15384775; 7'd9:  exp2_tab = 25'd15219050;
		7'd10: exp2_tab = 25'd15055111; 7'd11: exp2_tab = 25'd14892937;
		7'd12: exp2_tab = 25'd14732511; 7'd13: exp2_tab = 25'd14573813;
		7'd14: exp2_tab = 25'd14416824; 7'd15: exp2_tab = 25'd14261526;
		7'd16: exp2_tab = 25'd14107901; 7'd17: exp2_tab = 25'd13955931;
		7'd18: exp2_tab = 25'd13805598; 7'd19: exp2_tab = 25'd13656884;
		7'd20: exp2_tab = 25'd13509772; 7'd21: exp2_tab = 25'd13364245;
		7'd22: exp2_tab = 25'd13220286; 7'd23: exp2_tab = 25'd13077877;
		7'd24: exp2_tab = 25'd12937002; 7'd25: exp2_tab = 25'd12797645;
		7'd26: exp2_tab = 25'd12659789; 7'd27: exp2_tab = 25'd12523418;
		7'd28: exp2_tab = 25'd12388516; 7'd29: exp2_tab = 25'd12255067;
		7'd30: exp2_tab = 25'd12123055; 7'd31: exp2_tab = 25'd11992466;
		7'd32: exp2_tab = 25'd11863283; 7'd33: exp2_tab = 25'd11735492;
		7'd34: exp2_tab = 25'd11609078; 7'd35: exp2_tab = 25'd11484025;
		7'd36: exp2_tab = 25'd11360319; 7'd37: exp2_tab = 25'd11237946;
		7'd38: exp2_tab = 25'd11116891; 7'd39: exp2_tab = 25'd10997140;
		7'd40: exp2_tab = 25'd10878679; 7'd41: exp2_tab = 25'd10761494;
		7'd42: exp2_tab = 25'd10645571; 7'd43: exp2_tab = 25'd10530897;
		7'd44: exp2_tab = 25'd10417458; 7'd45: exp2_tab = 25'd10305242;
		7'd46: exp2_tab = 25'd10194234; 7'd47: exp2_tab = 25'd10084422;
		7'd48: exp2_tab = 25'd9975792;  7'd49: exp2_tab = 25'd9868333;
		7'd50: exp2_tab = 25'd9762032;  7'd51: exp2_tab = 25'd9656875;
		7'd52: exp2_tab = 25'd9552851;  7'd53: exp2_tab = 25'd9449948;
		7'd54: exp2_tab = 25'd9348154;  7'd55: exp2_tab = 25'd9247455;
		7'd56: exp2_tab = 25'd9147842;  7'd57: exp2_tab = 25'd9049301;
		7'd58: exp2_tab = 25'd8951823;  7'd59: exp2_tab = 25'd8855394;
		7'd60: exp2_tab = 25'd8760003;  7'd61: exp2_tab = 25'd8665641;
		7'd62: exp2_tab = 25'd8572295;  7'd63: exp2_tab = 25'd8479954;
		default: exp2_tab = 25'd8388608;
		endcase
	endfunction

	/* smx_exp_q24: E(d) in Q0.24 for d = 0..255 and q = in_frac (<= 15) */
	function [24:0] exp_q24(input [7:0] d, input [3:0] q);
		reg [63:0] t, n, phi, rem, step, v, mask_f, mask_r, half_r;
		reg [5:0]  fb, rb;
		reg [6:0]  j;
		reg [24:0] tj, tj1;
		begin
			fb = 6'd24 + {2'b00, q};
			rb = fb - 6'd6;
			t = {56'd0, d} * L2E;
			mask_f = (64'd1 << fb) - 64'd1;
			mask_r = (64'd1 << rb) - 64'd1;
			half_r = 64'd1 << (rb - 6'd1);
			phi = t & mask_f;
			n = phi >> rb;
			j = {1'b0, n[5:0]};
			n = t >> fb;
			rem = phi & mask_r;
			tj = exp2_tab(j);
			tj1 = exp2_tab(j + 7'd1);
			step = {39'd0, tj - tj1};
			v = {39'd0, tj} - ((step * rem + half_r) >> rb);
			if (n > 64'd25)
				exp_q24 = 25'd0;
			else
				exp_q24 = 25'((v + ((64'd1 << n[4:0]) >> 1)) >> n[4:0]);
		end
	endfunction

	/* ---- sequencer state: the tile schedule above ---- */
	reg [1:0]         ph;		/* PH_* of this cycle */
	reg [RIB-1:0]     sq_row;	/* row i */
	reg [CIB-1:0]     sq_col;	/* next beat of P1(0) or P2(i) */
	reg [WB-1:0]      w_cnt;	/* cycle within W(i) */
	reg [CIB:0]       w_col;	/* next beat of P1(i + 1) within W(i), up to c */
	reg               x_p2;		/* the beat being presented is a pass-2 beat */
	reg               x_last;	/* ... and the tile's last */
	/* probability beats in flight, the exp pipeline: stage k at [k*PW +: PW] */
	reg [EXP_LATENCY*PW-1:0] pipe;

	/* next state */
	reg [1:0]         ph_n;
	reg [RIB-1:0]     sq_row_n;
	reg [CIB-1:0]     sq_col_n;
	reg [WB-1:0]      w_cnt_n;
	reg [CIB:0]       w_col_n;
	reg               x_rd_n, x_p2_n, x_last_n;
	reg [RIB-1:0]     x_row_n;
	reg [CIB-1:0]     x_col_n;
	reg [EXP_LATENCY*PW-1:0] pipe_n;
	/* per-cycle temporaries */
	reg [1:0]         phc;		/* phase of this cycle (start: PH_P1) */
	reg [RIB-1:0]     rowc;
	reg [CIB-1:0]     colc;
	reg               dv_load;	/* a window's first cycle: the divider takes row i */
	integer           rows_i, c_i, wlen_i, k;

	/* the tile whose beat is taken this cycle: row length, in_frac */
	wire [NB-1:0] cur_n_len = cur[C_N +: NB];
	wire [4:0]    cur_frac  = cur[C_FRAC +: 5];
	wire [3:0]    cur_q     = (cur_frac > 5'd15) ? 4'd15 : cur_frac[3:0];
	/* the probabilities of the pass-2 beat taken this cycle (data path) */
	wire [LANES*8-1:0] pv;

	/* ---- one cycle: fu_step, then the sequencer ---- */
	always @(*) begin
		/* 4. this cycle's read and divider load (the tile in progress,
		 * the next one from a start on) */
		rows_i = {{(32-RB){1'b0}}, cur_n[C_ROWS +: RB]};
		c_i = ({{(32-NB){1'b0}}, cur_n[C_N +: NB]} + LANES - 1) / LANES;
		phc = start ? PH_P1 : ph;
		rowc = start ? {RIB{1'b0}} : sq_row;
		colc = start ? {CIB{1'b0}} : sq_col;
		ph_n = phc;
		sq_row_n = rowc;
		sq_col_n = colc;
		w_cnt_n = w_cnt;
		w_col_n = w_col;
		x_rd_n = 1'b0;
		x_p2_n = 1'b0;
		x_last_n = 1'b0;
		x_row_n = x_row;
		x_col_n = x_col;
		dv_load = phc == PH_WIN && w_cnt == {WB{1'b0}};
		case (phc)
		PH_P1: begin
			x_rd_n = 1'b1;
			x_row_n = {RIB{1'b0}};
			x_col_n = colc;
			if ({{(32-CIB){1'b0}}, colc} == c_i - 1) begin
				ph_n = PH_WIN;
				w_cnt_n = {WB{1'b0}};
				w_col_n = {(CIB+1){1'b0}};
			end else begin
				sq_col_n = colc + 1'b1;
			end
		end
		PH_WIN: begin
			if ({{(32-RIB){1'b0}}, rowc} + 1 < rows_i &&
			    {{(31-CIB){1'b0}}, w_col} < c_i) begin
				x_rd_n = 1'b1;
				x_row_n = rowc + 1'b1;
				x_col_n = w_col[CIB-1:0];
				w_col_n = w_col + 1'b1;
			end
			wlen_i = ({{(32-RIB){1'b0}}, rowc} + 1 < rows_i && c_i > LAT) ?
				 c_i : LAT;
			if ({{(32-WB){1'b0}}, w_cnt} == wlen_i - 1) begin
				ph_n = PH_P2;
				sq_col_n = {CIB{1'b0}};
			end else begin
				w_cnt_n = w_cnt + 1'b1;
			end
		end
		PH_P2: begin
			x_rd_n = 1'b1;
			x_p2_n = 1'b1;
			x_row_n = rowc;
			x_col_n = colc;
			if ({{(32-CIB){1'b0}}, colc} == c_i - 1) begin
				if ({{(32-RIB){1'b0}}, rowc} + 1 < rows_i) begin
					ph_n = PH_WIN;
					sq_row_n = rowc + 1'b1;
					w_cnt_n = {WB{1'b0}};
					w_col_n = {(CIB+1){1'b0}};
				end else begin
					ph_n = PH_IDLE;
					x_last_n = 1'b1;
				end
			end else begin
				sq_col_n = colc + 1'b1;
			end
		end
		default: ;
		endcase

		/* 7. the exp pipeline: a new beat enters, the oldest is on out_* */
		for (k = EXP_LATENCY - 1; k > 0; k = k - 1)
			pipe_n[k*PW +: PW] = pipe[(k-1)*PW +: PW];
		pipe_n[0 +: PW] = (x_rd && x_p2) ? {1'b1, x_last, x_row, x_col, pv} :
						     {PW{1'b0}};
	end

	assign {out_valid, out_row, out_col, out_p} =
		{pipe[(EXP_LATENCY-1)*PW + PW - 1], pipe[(EXP_LATENCY-1)*PW +: PW-2]};
	wire out_last = pipe[(EXP_LATENCY-1)*PW + PW - 2];

	always @(posedge clk) begin
		if (!rst_l) begin
			x_rd <= 1'b0;
			x_row <= {RIB{1'b0}};
			x_col <= {CIB{1'b0}};
			x_p2 <= 1'b0;
			x_last <= 1'b0;
			ph <= PH_IDLE;
			sq_row <= {RIB{1'b0}};
			sq_col <= {CIB{1'b0}};
			w_cnt <= {WB{1'b0}};
			w_col <= {(CIB+1){1'b0}};
			pipe <= {(EXP_LATENCY*PW){1'b0}};
		end else begin
			x_rd <= x_rd_n;
			x_row <= x_row_n;
			x_col <= x_col_n;
			x_p2 <= x_p2_n;
			x_last <= x_last_n;
			ph <= ph_n;
			sq_row <= sq_row_n;
			sq_col <= sq_col_n;
			w_cnt <= w_cnt_n;
			w_col <= w_col_n;
			pipe <= pipe_n;
		end
	end

	/* ---- the data path of the unit's algorithm ---- */
	generate
	if (ALGORITHM == 1) begin : g_ita
		/* 5.-6. rtl/smx_ita.v: base-2 scores, group rescaling, the division */
		smx_ita #(.LANES(LANES), .N_MAX(N_MAX), .DIV_CYCLES(LAT)) dp (
			.clk(clk), .rst_l(rst_l), .take1(x_rd && !x_p2),
			.take2(x_rd && x_p2), .col(x_col), .x_data(x_data),
			.n(cur_n_len), .q(cur_q), .eps32(cur[C_EPS]), .load(dv_load),
			.p(pv));
	end else begin : g_online
		/* pass 1: running max and sum of the row being read */
		reg signed [7:0]  acc_b;
		reg [40:0]        acc_s;
		/* divider: r = floor(2^48 / s) of row i, and that row's max */
		reg [40:0]        dv_s;
		reg [41:0]        dv_rem;
		reg [QBITS-1:0]   dv_q;
		reg [4:0]         dv_left;	/* quotient bits still to find */
		reg signed [7:0]  dv_b;

		reg signed [7:0]  acc_b_n, dv_b_n;
		reg [40:0]        acc_s_n, dv_s_n;
		reg [41:0]        dv_rem_n;
		reg [QBITS-1:0]   dv_q_n;
		reg [4:0]         dv_left_n;
		reg signed [7:0]  xv;
		reg [24:0]        e;
		reg [63:0]        prod;
		reg [48:0]        pr;
		reg [LANES*8-1:0] pv_r;
		integer           n_i, lane, idx, b;

		assign pv = pv_r;

		always @(*) begin
			/* 5. take the beat presented this cycle */
			n_i = {{(32-NB){1'b0}}, cur_n_len};
			acc_b_n = acc_b;
			acc_s_n = acc_s;
			pv_r = {(LANES*8){1'b0}};
			for (lane = 0; lane < LANES; lane = lane + 1) begin
				idx = {{(32-CIB){1'b0}}, x_col} * LANES + lane;
				xv = x_data[lane*8 +: 8];
				e = 25'd0;
				prod = 64'd0;
				pr = 49'd0;
				if (x_rd && !x_p2 && idx < n_i) begin
					/* pass 1: the online recurrence */
					if (idx == 0) begin
						acc_b_n = xv;
						acc_s_n = 41'd1 << 24;
					end else if (xv > acc_b_n) begin
						e = exp_q24(8'(xv - acc_b_n), cur_q);
						prod = {23'd0, acc_s_n} * {39'd0, e};
						acc_s_n = 41'((prod + 64'd8388608) >> 24) + (41'd1 << 24);
						acc_b_n = xv;
					end else begin
						e = exp_q24(8'(acc_b_n - xv), cur_q);
						acc_s_n = acc_s_n + {16'd0, e};
					end
				end else if (x_rd && x_p2 && idx < n_i) begin
					/* pass 2: p = min(255, round(E * r / 2^40)) */
					e = exp_q24(8'(dv_b - xv), cur_q);
					pr = {24'd0, e} * {24'd0, dv_q};
					pr = (pr + (49'd1 << 39)) >> 40;
					pv_r[lane*8 +: 8] = (pr > 49'd255) ? 8'd255 : pr[7:0];
				end
			end

			/* 6. divider: load on a window's first cycle, else DIV_BITS steps */
			dv_b_n = dv_b;
			dv_s_n = dv_s;
			dv_rem_n = dv_rem;
			dv_q_n = dv_q;
			dv_left_n = dv_left;
			if (dv_load) begin
				dv_s_n = acc_s_n;
				dv_b_n = acc_b_n;
				dv_rem_n = 42'd1 << 23;	/* 2^48 after its bits 48 .. 25 */
				dv_q_n = {QBITS{1'b0}};
				dv_left_n = 5'(QBITS);
			end else begin
				for (b = 0; b < DIV_BITS; b = b + 1) begin
					if (dv_left_n != 5'd0) begin
						dv_rem_n = dv_rem_n << 1;
						dv_q_n = dv_q_n << 1;
						if (dv_rem_n >= {1'b0, dv_s}) begin
							dv_rem_n = dv_rem_n - {1'b0, dv_s};
							dv_q_n[0] = 1'b1;
						end
						dv_left_n = dv_left_n - 5'd1;
					end
				end
			end
		end

		always @(posedge clk) begin
			if (!rst_l) begin
				acc_b <= 8'sd0;
				acc_s <= 41'd0;
				dv_s <= 41'd0;
				dv_rem <= 42'd0;
				dv_q <= {QBITS{1'b0}};
				dv_left <= 5'd0;
				dv_b <= 8'sd0;
			end else begin
				acc_b <= acc_b_n;
				acc_s <= acc_s_n;
				dv_s <= dv_s_n;
				dv_rem <= dv_rem_n;
				dv_q <= dv_q_n;
				dv_left <= dv_left_n;
				dv_b <= dv_b_n;
			end
		end
	end
	endgenerate

`ifndef SYNTHESIS
	initial
		if (ALGORITHM != 0 && ALGORITHM != 1)
			$fatal(1, "smx: ALGORITHM %0d has no RTL (0 online, 1 ita)", ALGORITHM);
	/* impossible in the model (SIM_ASSERT) or malformed command streams */
	always @(posedge clk) begin
		if (rst_l) begin
			assert (!(cmd_valid && cmd_ready) ||
				({{(32-RB){1'b0}}, cmd_rows} - 1 < ROWS &&
				 {{(32-NB){1'b0}}, cmd_cols} - 1 < N_MAX))
			else $error("smx: command rows/cols out of range");
			/* the data path ends with the tile: kcycles = smx_cycles */
			assert (wb_done_valid == (out_valid && out_last))
			else $error("smx: last probability not on wb_done (kcycles != smx_cycles?)");
		end
	end
`endif
endmodule

`default_nettype wire
