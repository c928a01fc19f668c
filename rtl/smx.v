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
 * Arithmetic, online (bit-exact with smx_row(SMX_ONLINE)): rtl/smx_online.v
 * (running maximum and Q17.24 sum, a restoring reciprocal, E(b - x) * r).
 * ita (bit-exact with smx_row(SMX_ITA)): rtl/smx_ita.v. Both data paths
 * take the beats this sequencer reads; the divider loads on a window's
 * first cycle.
 * in_frac above 15 reads as 15.
 *
 * Fused (softmax.fused; online only, FUSED_ROWS > 1): the first pass runs
 * on Q.K^T's drain and the output pass on A.V's operand fetch, both through
 * rtl/smx_online.v's fused front end (score buffer of FUSED_ROWS rows, the
 * row file, a reciprocal pipeline). Drain beats (d_*) carry d_cnt scores of
 * row d_row from column d_col, taken in the cycle they are presented, in
 * d_frac's format. A fetch (f_*) asks for f_cnt probabilities of the
 * operand window f_k0 .. f_k0 + f_klen - 1 from row f_row, column f_col on,
 * row-major; they are on p_valid/p_data (lane l at [l*8 +: 8]) from the
 * edge that ends cycle k + EXP_LATENCY - 1 for a fetch in cycle k, the exp
 * pipeline of the unit. A fused tile (cmd_fused, rows cmd_r0 .. cmd_r0 +
 * cmd_rows - 1 of the score buffer) reads nothing: its busy cycles are
 * smx_fused_cycles = RECIP_LATENCY + EXP_LATENCY, the last row's reciprocal
 * and the exp pipeline's fill before A.V's first fetch, and when it ends
 * every one of its rows must have its reciprocal (asserted).
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
	parameter integer FUSED_ROWS    = 1,	/* rows of the fused score buffer (every head's); 1: not fused */
	parameter integer OP_BITS       = 32,	/* op index carried for attribution */
	parameter integer KC_BITS       = 24	/* busy cycles of one tile */
) (
`include "rtl/fu_pins.vh"
	/* the rest of the command (struct unit_cmd; in_frac comes from cmd.data in the model) */
	input  wire [$clog2(ROWS+1)-1:0]                   cmd_rows,	/* 1 .. ROWS */
	input  wire [$clog2(N_MAX+1)-1:0]                  cmd_cols,	/* row length n, 1 .. N_MAX */
	input  wire [4:0]                                  cmd_in_frac,	/* fractional bits of the scores */
	input  wire                                        cmd_ita_eps32,	/* ita: smx_fmt.ita_eps32 (online ignores it) */
	input  wire                                        cmd_fused,	/* a fused tile (smx_fused_cycles) */
	input  wire [((FUSED_ROWS > 1) ? $clog2(FUSED_ROWS) : 1)-1:0] cmd_r0,	/* fused: its first row in the score buffer */
	/* score beats (format above) */
	output reg                                         x_rd,	/* present a beat this cycle */
	output reg  [((ROWS > 1) ? $clog2(ROWS) : 1)-1:0]   x_row,
	output reg  [(((N_MAX+LANES-1)/LANES > 1) ? $clog2((N_MAX+LANES-1)/LANES) : 1)-1:0] x_col,
	input  wire [LANES*8-1:0]                          x_data,
	/* probability beats */
	output wire                                        out_valid,
	output wire [((ROWS > 1) ? $clog2(ROWS) : 1)-1:0]   out_row,
	output wire [(((N_MAX+LANES-1)/LANES > 1) ? $clog2((N_MAX+LANES-1)/LANES) : 1)-1:0] out_col,
	output wire [LANES*8-1:0]                          out_p,
	/* fused: the engine's drain beats in, operand fetches of A.V */
	input  wire                                        d_valid,
	input  wire [((FUSED_ROWS > 1) ? $clog2(FUSED_ROWS) : 1)-1:0] d_row,
	input  wire [$clog2(N_MAX+1)-1:0]                  d_col,
	input  wire [$clog2(LANES+1)-1:0]                  d_cnt,	/* 1 .. LANES */
	input  wire [$clog2(N_MAX+1)-1:0]                  d_n,	/* row length */
	input  wire [4:0]                                  d_frac,	/* in_frac of the scores */
	input  wire [LANES*8-1:0]                          d_data,
	input  wire                                        f_valid,
	input  wire [((FUSED_ROWS > 1) ? $clog2(FUSED_ROWS) : 1)-1:0] f_row,
	input  wire [$clog2(N_MAX+1)-1:0]                  f_col,
	input  wire [$clog2(N_MAX+1)-1:0]                  f_k0,
	input  wire [$clog2(N_MAX+1)-1:0]                  f_klen,
	input  wire [$clog2(LANES+1)-1:0]                  f_cnt,	/* 1 .. LANES */
	input  wire [4:0]                                  f_frac,
	output wire                                        p_valid,
	output wire [LANES*8-1:0]                          p_data,
	/* debug, online (0 with ita): rtl/smx_online.v's running maximum and
	 * sum of the row being read and its divider's quotient so far, as
	 * registered there; the co-simulations compare them every cycle */
	output wire signed [7:0]                           dbg_b,
	output wire [40:0]                                 dbg_s,
	output wire [24:0]                                 dbg_r
);
	localparam integer CMAX = (N_MAX + LANES - 1) / LANES;	/* beats of the longest row */
	localparam integer RIB  = (ROWS > 1) ? $clog2(ROWS) : 1;	/* row index bits */
	localparam integer CIB  = (CMAX > 1) ? $clog2(CMAX) : 1;	/* beat index bits */
	localparam integer RB   = $clog2(ROWS + 1);
	localparam integer NB   = $clog2(N_MAX + 1);
	/* per-row latency L: the reciprocal (online) or the division (ita) */
	localparam integer LAT      = (ALGORITHM == 1) ? (DIV_LATENCY + DIVIDERS - 1) / DIVIDERS
						   : RECIP_LATENCY;
	localparam integer WMAX     = (LAT > CMAX) ? LAT : CMAX;
	localparam integer WB       = $clog2(WMAX + 1);	/* window cycle counter */
	localparam integer PW       = 2 + RIB + CIB + LANES * 8;	/* one probability beat */
	localparam integer FRB      = (FUSED_ROWS > 1) ? $clog2(FUSED_ROWS) : 1;
	localparam integer FCB      = $clog2(FUSED_ROWS + 1);
	localparam integer FW       = 1 + LANES * 8;	/* one fetched beat */

	/* one command, packed: the FIFO entries and cur */
	localparam integer C_FLAGS = 0;
	localparam integer C_OP    = C_FLAGS + 5;
	localparam integer C_ROWS  = C_OP + OP_BITS;
	localparam integer C_N     = C_ROWS + RB;
	localparam integer C_KC    = C_N + NB;
	localparam integer C_FRAC  = C_KC + KC_BITS;
	localparam integer C_EPS   = C_FRAC + 5;
	localparam integer C_FUSED = C_EPS + 1;
	localparam integer C_R0    = C_FUSED + 1;
	localparam integer CMD_W   = C_R0 + FRB;

	/* sequencer phases (the tile schedule above) */
	localparam [1:0] PH_IDLE = 2'd0;
	localparam [1:0] PH_P1   = 2'd1;	/* pass 1 of row 0 */
	localparam [1:0] PH_WIN  = 2'd2;	/* divider of row i, pass 1 of row i + 1 */
	localparam [1:0] PH_P2   = 2'd3;	/* pass 2 of row i */

	wire [CMD_W-1:0] cmd_in = {cmd_r0, cmd_fused, cmd_ita_eps32, cmd_in_frac, cmd_kcycles, cmd_cols,
				   cmd_rows, cmd_op, cmd_flags};

	/* the controller: models/fu.c, shared with the other function units */
`include "rtl/fu_ctl.vh"


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
	/* fetched probabilities in flight, the same exp pipeline */
	reg [EXP_LATENCY*FW-1:0] fpipe;
	/* the tile started last (the one a wb_done ends): fused, rows */
	reg               t_fused;
	reg [FRB-1:0]     t_r0;
	/* verilator lint_off UNUSEDSIGNAL */
	reg [RB-1:0]      t_rows;	/* (more bits than a score buffer of few rows needs) */
	/* verilator lint_on UNUSEDSIGNAL */

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
	reg [EXP_LATENCY*FW-1:0] fpipe_n;
	/* per-cycle temporaries */
	reg [1:0]         phc;		/* phase of this cycle (start: PH_P1) */
	reg [RIB-1:0]     rowc;
	reg [CIB-1:0]     colc;
	reg               dp_load;	/* a window's first cycle: the divider takes row i */
	integer           rows_i, c_i, wlen_i, k;

	/* the data path's orders (rtl/smx_dp.vh): the beat taken this cycle
	 * and the length of its row; a fused tile's end */
	localparam integer DP_N = N_MAX;
	wire               dp_take1 = x_rd && !x_p2;
	wire               dp_take2 = x_rd && x_p2;
	wire [CIB-1:0]     dp_col = x_col;
	wire [LANES*8-1:0] dp_x = x_data;
	wire [NB-1:0]      dp_n = cur[C_N +: NB];
	wire               dp_chk = wb_done_valid && t_fused;
	wire [FRB-1:0]     dp_chk_r0 = t_r0;
	wire [FCB-1:0]     dp_chk_rows = FCB'(t_rows);
	/* the probabilities of the pass-2 beat taken this cycle (data path) */
	wire [LANES*8-1:0] pv;
	/* the probabilities of the fetch presented this cycle (fused) */
	wire [LANES*8-1:0] fpv;

	/* ---- one cycle: fu_step, then the sequencer ---- */
	always @(*) begin
		/* 4. this cycle's read and divider load (the tile in progress,
		 * the next one from a start on) */
		rows_i = {{(32-RB){1'b0}}, cur_n[C_ROWS +: RB]};
		c_i = ({{(32-NB){1'b0}}, cur_n[C_N +: NB]} + LANES - 1) / LANES;
		phc = start ? (cur_n[C_FUSED] ? PH_IDLE : PH_P1) : ph;
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
		dp_load = phc == PH_WIN && w_cnt == {WB{1'b0}};
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
		for (k = EXP_LATENCY - 1; k > 0; k = k - 1)
			fpipe_n[k*FW +: FW] = fpipe[(k-1)*FW +: FW];
		fpipe_n[0 +: FW] = {f_valid, fpv};
	end

	assign {p_valid, p_data} = fpipe[(EXP_LATENCY-1)*FW +: FW];
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
			fpipe <= {(EXP_LATENCY*(1+LANES*8)){1'b0}};
			t_fused <= 1'b0;
			t_r0 <= {FRB{1'b0}};
			t_rows <= {RB{1'b0}};
		end else begin
			fpipe <= fpipe_n;
			if (start) begin
				t_fused <= cur_n[C_FUSED];
				t_r0 <= cur_n[C_R0 +: FRB];
				t_rows <= cur_n[C_ROWS +: RB];
			end
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

	/* ---- 5.-6. the data path of the unit's algorithm: rtl/smx_dp.vh ---- */
`include "rtl/smx_dp.vh"
	assign dbg_b = dp_dbg_b;
	assign dbg_s = dp_dbg_s;
	assign dbg_r = dp_dbg_r;

`ifndef SYNTHESIS
	/* impossible in the model (SIM_ASSERT) or malformed command streams */
	always @(posedge clk) begin
		if (rst_l) begin
			assert (!(cmd_valid && cmd_ready) ||
				({{(32-RB){1'b0}}, cmd_rows} - 1 < ROWS &&
				 {{(32-NB){1'b0}}, cmd_cols} - 1 < N_MAX))
			else $error("smx: command rows/cols out of range");
			/* the data path ends with the tile: kcycles = smx_cycles */
			assert ((wb_done_valid && !t_fused) == (out_valid && out_last))
			else $error("smx: last probability not on wb_done (kcycles != smx_cycles?)");
			/* fused: online only, with a score buffer; its tile is
			 * smx_fused_cycles */
			assert (!(cmd_valid && cmd_ready && cmd_fused) ||
				(ALGORITHM == 0 && FUSED_ROWS > 1 &&
				 {{(32-KC_BITS){1'b0}}, cmd_kcycles} == RECIP_LATENCY + EXP_LATENCY))
			else $error("smx: fused tile not smx_fused_cycles, or no fused front end");
			assert (!((d_valid || f_valid) && (ALGORITHM != 0 || FUSED_ROWS < 2)))
			else $error("smx: drain beat or fetch with no fused front end");
		end
	end
`endif
endmodule

`default_nettype wire
