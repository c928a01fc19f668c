/*
 * vec.v - the vector unit's GELU path, method table (Edge-MoE delta
 * table): the RTL twin of models/fu.c (controller, port timing) and of
 * vec_gelu(VEC_GELU_TABLE, ...) in models/vec_ref.c (arithmetic); the tile
 * time it is given is models/vec.c's vec_cycles for gelu,
 * ceil(rows * n / LANES) + LATENCY.
 *
 * Controller (fu_step, in its order inside one clock): start the oldest
 * queued command when idle (busy count = cmd_kcycles, 1 when 0), one busy
 * cycle, rd_done and wb_done pulses carrying flags and op on the last one,
 * accept into a 2-entry FIFO; cmd_ready = FIFO not full. Every output is a
 * register: what fu_step writes to `nxt` in cycle t is on the port from the
 * edge that ends cycle t.
 *
 * Data path: a tile is rows x n int8 inputs, read as one stream of
 * e = rows * n elements in beats of LANES (b = ceil(e / LANES) beats; GELU
 * is elementwise, so rows do not matter). Beat j is read on busy cycle j,
 * so the tile's busy cycles are b reads then LATENCY cycles of drain:
 * b + LATENCY = vec_cycles, and the last beat leaves on the wb_done cycle
 * (asserted below).
 *
 * Input beats (as rtl/smx.v's score beats): x_rd rises on the edge that ends
 * a read cycle, with x_beat (beat in the tile); the feeder presents elements
 * x_beat*LANES + l on x_data lane l ([l*8 +: 8], two's complement) during
 * the next cycle, and the unit takes them on the edge that ends it. Lanes
 * at or beyond e are ignored. Output beats: out_valid, out_beat and out_y
 * (lane l at [l*8 +: 8], int8, 0 at or beyond e) for a read issued in
 * cycle k are on the ports from the edge that ends cycle k + LATENCY.
 *
 * Arithmetic (bit-exact with vec_ref.c gelu_table), per lane: s =
 * min(step_log2, 5), range = min(range_q8, 1408), K = range >> (8 - s),
 * hb = 12 - s, w = 16 + hb; t12 = |x| << (12 - in_frac) = i 2^hb + r;
 * dnum = (2^hb - r) D[i 2^(5-s)] + r D[(i+1) 2^(5-s)] when i < K, else 0;
 * y = sat8(floor((((x > 0 ? x 2^(w - in_frac) : 0) - dnum) 2^out_frac
 * + 2^(w-1)) / 2^w)). D is the 177-entry fine table delta_q16.
 */
`default_nettype none

module vec #(
	parameter integer LANES   = 4,	/* [vector] lanes: elements per cycle */
	parameter integer LATENCY = 3,	/* [vector] latency: pipeline stages, >= 1 */
	parameter integer ROWS    = 4,	/* most rows in a tile */
	parameter integer N_MAX   = 64,	/* longest row */
	parameter integer OP_BITS = 32,	/* op index carried for attribution */
	parameter integer KC_BITS = 24	/* busy cycles of one tile */
) (
`include "rtl/fu_pins.vh"
	/* the rest of the command (struct unit_cmd; the format comes from the job in the model) */
	input  wire [$clog2(ROWS+1)-1:0]    cmd_rows,		/* 1 .. ROWS */
	input  wire [$clog2(N_MAX+1)-1:0]   cmd_cols,		/* row length n, 1 .. N_MAX */
	input  wire [2:0]                   cmd_in_frac,	/* vec_fmt.in_frac, 0 .. 7 */
	input  wire [2:0]                   cmd_out_frac,	/* vec_fmt.out_frac, 0 .. 7 */
	input  wire [2:0]                   cmd_step_log2,	/* table_step_log2, > 5 reads as 5 */
	input  wire [10:0]                  cmd_range_q8,	/* table_range_q8, > 1408 reads as 1408 */
	/* input beats (format above) */
	output reg                          x_rd,		/* present a beat next cycle */
	output reg  [(((ROWS*N_MAX+LANES-1)/LANES > 1) ? $clog2((ROWS*N_MAX+LANES-1)/LANES) : 1)-1:0] x_beat,
	input  wire [LANES*8-1:0]           x_data,
	/* output beats */
	output wire                         out_valid,
	output wire [(((ROWS*N_MAX+LANES-1)/LANES > 1) ? $clog2((ROWS*N_MAX+LANES-1)/LANES) : 1)-1:0] out_beat,
	output wire [LANES*8-1:0]           out_y
);
	localparam integer EMAX = ROWS * N_MAX;			/* elements of the largest tile */
	localparam integer BMAX = (EMAX + LANES - 1) / LANES;	/* its beats */
	localparam integer BIB  = (BMAX > 1) ? $clog2(BMAX) : 1;	/* beat index bits */
	localparam integer BB   = $clog2(BMAX + 1);		/* beat count bits */
	localparam integer RB   = $clog2(ROWS + 1);
	localparam integer NB   = $clog2(N_MAX + 1);
	localparam integer PW   = 2 + BIB + LANES * 8;		/* one output beat */

	/* one command, packed: the FIFO entries and cur */
	localparam integer C_FLAGS = 0;
	localparam integer C_OP    = C_FLAGS + 5;
	localparam integer C_ROWS  = C_OP + OP_BITS;
	localparam integer C_N     = C_ROWS + RB;
	localparam integer C_KC    = C_N + NB;
	localparam integer C_IF    = C_KC + KC_BITS;
	localparam integer C_OF    = C_IF + 3;
	localparam integer C_STEP  = C_OF + 3;
	localparam integer C_RANGE = C_STEP + 3;
	localparam integer CMD_W   = C_RANGE + 11;

	wire [CMD_W-1:0] cmd_in = {cmd_range_q8, cmd_step_log2, cmd_out_frac, cmd_in_frac,
				   cmd_kcycles, cmd_cols, cmd_rows, cmd_op, cmd_flags};

	/* the controller: models/fu.c, shared with the other function units */
`include "rtl/fu_ctl.vh"


	/*
	 * delta(k/32) in Q0.16, k = 0..176: models/vec_ref.c delta_q16 (which
	 * states its generator), copied mechanically with
	 *   awk '/^static const uint16_t delta_q16/{f=1;next} f&&/^};/{f=0} f' \
	 *     models/vec_ref.c | tr -d ' \t\n' | tr ',' '\n' | grep -v '^$'
	 * one case item per value, in order. Not hand-edited; every entry is
	 * checked through the outputs by sim/cosim/vec_cosim.c.
	 */
	function [13:0] delta_q16(input [7:0] k);
		case (k)
		8'd0: delta_q16 = 14'd0;
		8'd1: delta_q16 = 14'd998;
		8'd2: delta_q16 = 14'd1946;
		8'd3: delta_q16 = 14'd2843;
		8'd4: delta_q16 = 14'd3689;
		8'd5: delta_q16 = 14'd4484;
		8'd6: delta_q16 = 14'd5230;
		8'd7: delta_q16 = 14'd5927;
		8'd8: delta_q16 = 14'd6575;
		8'd9: delta_q16 = 14'd7175;
		8'd10: delta_q16 = 14'd7728;
		8'd11: delta_q16 = 14'd8234;
		8'd12: delta_q16 = 14'd8696;
		8'd13: delta_q16 = 14'd9113;
		8'd14: delta_q16 = 14'd9487;
		8'd15: delta_q16 = 14'd9819;
		8'd16: delta_q16 = 14'd10110;
		8'd17: delta_q16 = 14'd10362;
		8'd18: delta_q16 = 14'd10576;
		8'd19: delta_q16 = 14'd10753;
		8'd20: delta_q16 = 14'd10895;
		8'd21: delta_q16 = 14'd11003;
		8'd22: delta_q16 = 14'd11079;
		8'd23: delta_q16 = 14'd11123;
		8'd24: delta_q16 = 14'd11139;
		8'd25: delta_q16 = 14'd11127;
		8'd26: delta_q16 = 14'd11089;
		8'd27: delta_q16 = 14'd11026;
		8'd28: delta_q16 = 14'd10940;
		8'd29: delta_q16 = 14'd10833;
		8'd30: delta_q16 = 14'd10706;
		8'd31: delta_q16 = 14'd10560;
		8'd32: delta_q16 = 14'd10398;
		8'd33: delta_q16 = 14'd10219;
		8'd34: delta_q16 = 14'd10027;
		8'd35: delta_q16 = 14'd9822;
		8'd36: delta_q16 = 14'd9606;
		8'd37: delta_q16 = 14'd9380;
		8'd38: delta_q16 = 14'd9146;
		8'd39: delta_q16 = 14'd8903;
		8'd40: delta_q16 = 14'd8655;
		8'd41: delta_q16 = 14'd8401;
		8'd42: delta_q16 = 14'd8144;
		8'd43: delta_q16 = 14'd7883;
		8'd44: delta_q16 = 14'd7620;
		8'd45: delta_q16 = 14'd7357;
		8'd46: delta_q16 = 14'd7093;
		8'd47: delta_q16 = 14'd6829;
		8'd48: delta_q16 = 14'd6567;
		8'd49: delta_q16 = 14'd6308;
		8'd50: delta_q16 = 14'd6050;
		8'd51: delta_q16 = 14'd5796;
		8'd52: delta_q16 = 14'd5546;
		8'd53: delta_q16 = 14'd5301;
		8'd54: delta_q16 = 14'd5060;
		8'd55: delta_q16 = 14'd4824;
		8'd56: delta_q16 = 14'd4594;
		8'd57: delta_q16 = 14'd4370;
		8'd58: delta_q16 = 14'd4152;
		8'd59: delta_q16 = 14'd3940;
		8'd60: delta_q16 = 14'd3735;
		8'd61: delta_q16 = 14'd3537;
		8'd62: delta_q16 = 14'd3345;
		8'd63: delta_q16 = 14'd3160;
		8'd64: delta_q16 = 14'd2982;
		8'd65: delta_q16 = 14'd2811;
		8'd66: delta_q16 = 14'd2647;
		8'd67: delta_q16 = 14'd2489;
		8'd68: delta_q16 = 14'd2339;
		8'd69: delta_q16 = 14'd2195;
		8'd70: delta_q16 = 14'd2058;
		8'd71: delta_q16 = 14'd1927;
		8'd72: delta_q16 = 14'd1803;
		8'd73: delta_q16 = 14'd1684;
		8'd74: delta_q16 = 14'd1572;
		8'd75: delta_q16 = 14'd1466;
		8'd76: delta_q16 = 14'd1366;
		8'd77: delta_q16 = 14'd1271;
		8'd78: delta_q16 = 14'd1181;
		8'd79: delta_q16 = 14'd1097;
		8'd80: delta_q16 = 14'd1017;
		8'd81: delta_q16 = 14'd943;
		8'd82: delta_q16 = 14'd873;
		8'd83: delta_q16 = 14'd807;
		8'd84: delta_q16 = 14'd745;
		8'd85: delta_q16 = 14'd688;
		8'd86: delta_q16 = 14'd634;
		8'd87: delta_q16 = 14'd584;
		8'd88: delta_q16 = 14'd537;
		8'd89: delta_q16 = 14'd494;
		8'd90: delta_q16 = 14'd453;
		8'd91: delta_q16 = 14'd415;
		8'd92: delta_q16 = 14'd381;
		8'd93: delta_q16 = 14'd348;
		8'd94: delta_q16 = 14'd318;
		8'd95: delta_q16 = 14'd291;
		8'd96: delta_q16 = 14'd265;
		8'd97: delta_q16 = 14'd242;
		8'd98: delta_q16 = 14'd220;
		8'd99: delta_q16 = 14'd200;
		8'd100: delta_q16 = 14'd182;
		8'd101: delta_q16 = 14'd165;
		8'd102: delta_q16 = 14'd150;
		8'd103: delta_q16 = 14'd136;
		8'd104: delta_q16 = 14'd123;
		8'd105: delta_q16 = 14'd111;
		8'd106: delta_q16 = 14'd100;
		8'd107: delta_q16 = 14'd91;
		8'd108: delta_q16 = 14'd82;
		8'd109: delta_q16 = 14'd74;
		8'd110: delta_q16 = 14'd66;
		8'd111: delta_q16 = 14'd59;
		8'd112: delta_q16 = 14'd53;
		8'd113: delta_q16 = 14'd48;
		8'd114: delta_q16 = 14'd43;
		8'd115: delta_q16 = 14'd38;
		8'd116: delta_q16 = 14'd34;
		8'd117: delta_q16 = 14'd31;
		8'd118: delta_q16 = 14'd27;
		8'd119: delta_q16 = 14'd24;
		8'd120: delta_q16 = 14'd22;
		8'd121: delta_q16 = 14'd19;
		8'd122: delta_q16 = 14'd17;
		8'd123: delta_q16 = 14'd15;
		8'd124: delta_q16 = 14'd14;
		8'd125: delta_q16 = 14'd12;
		8'd126: delta_q16 = 14'd11;
		8'd127: delta_q16 = 14'd9;
		8'd128: delta_q16 = 14'd8;
		8'd129: delta_q16 = 14'd7;
		8'd130: delta_q16 = 14'd6;
		8'd131: delta_q16 = 14'd6;
		8'd132: delta_q16 = 14'd5;
		8'd133: delta_q16 = 14'd4;
		8'd134: delta_q16 = 14'd4;
		8'd135: delta_q16 = 14'd3;
		8'd136: delta_q16 = 14'd3;
		8'd137: delta_q16 = 14'd3;
		8'd138: delta_q16 = 14'd2;
		8'd139: delta_q16 = 14'd2;
		8'd140: delta_q16 = 14'd2;
		8'd141: delta_q16 = 14'd2;
		8'd142: delta_q16 = 14'd1;
		8'd143: delta_q16 = 14'd1;
		8'd144: delta_q16 = 14'd1;
		8'd145: delta_q16 = 14'd1;
		8'd146: delta_q16 = 14'd1;
		8'd147: delta_q16 = 14'd1;
		8'd148: delta_q16 = 14'd1;
		8'd149: delta_q16 = 14'd0;
		8'd150: delta_q16 = 14'd0;
		8'd151: delta_q16 = 14'd0;
		8'd152: delta_q16 = 14'd0;
		8'd153: delta_q16 = 14'd0;
		8'd154: delta_q16 = 14'd0;
		8'd155: delta_q16 = 14'd0;
		8'd156: delta_q16 = 14'd0;
		8'd157: delta_q16 = 14'd0;
		8'd158: delta_q16 = 14'd0;
		8'd159: delta_q16 = 14'd0;
		8'd160: delta_q16 = 14'd0;
		8'd161: delta_q16 = 14'd0;
		8'd162: delta_q16 = 14'd0;
		8'd163: delta_q16 = 14'd0;
		8'd164: delta_q16 = 14'd0;
		8'd165: delta_q16 = 14'd0;
		8'd166: delta_q16 = 14'd0;
		8'd167: delta_q16 = 14'd0;
		8'd168: delta_q16 = 14'd0;
		8'd169: delta_q16 = 14'd0;
		8'd170: delta_q16 = 14'd0;
		8'd171: delta_q16 = 14'd0;
		8'd172: delta_q16 = 14'd0;
		8'd173: delta_q16 = 14'd0;
		8'd174: delta_q16 = 14'd0;
		8'd175: delta_q16 = 14'd0;
		8'd176: delta_q16 = 14'd0;
		default: delta_q16 = 14'd0;
		endcase
	endfunction

	/* gelu_table of one int8 (the header's arithmetic) */
	function [7:0] gelu1(input [7:0] xb, input [2:0] inf, input [2:0] outf,
			     input [2:0] sl, input [10:0] rq);
		reg [2:0]         s;
		reg [10:0]        rng;
		reg [7:0]         kst, ax, stride, i;
		reg [3:0]         hb;
		reg [4:0]         w;
		reg [19:0]        t12, r;
		reg signed [63:0] dnum, v, y;
		begin
			s = (sl > 3'd5) ? 3'd5 : sl;
			rng = (rq > 11'd1408) ? 11'd1408 : rq;
			kst = 8'(rng >> (4'd8 - {1'b0, s}));
			stride = 8'd1 << (3'd5 - s);
			hb = 4'd12 - {1'b0, s};
			w = 5'd16 + {1'b0, hb};
			ax = xb[7] ? 8'd0 - xb : xb;	/* |-128| = 128 */
			t12 = {12'd0, ax} << (4'd12 - {1'b0, inf});
			i = 8'(t12 >> hb);		/* used only when i < K <= 176 */
			r = t12 & ((20'd1 << hb) - 20'd1);
			dnum = 64'sd0;
			if ({12'd0, t12 >> hb} < {24'd0, kst})
				dnum = $signed({44'd0, (20'd1 << hb) - r}) *
				       $signed({50'd0, delta_q16(8'(i * stride))}) +
				       $signed({44'd0, r}) *
				       $signed({50'd0, delta_q16(8'((i + 8'd1) * stride))});
			v = ($signed(xb) > 8'sd0) ?
			    ($signed({56'd0, xb}) <<< (w - {2'b00, inf})) : 64'sd0;
			v = (v - dnum) <<< outf;
			y = (v + (64'sd1 <<< (w - 5'd1))) >>> w;
			gelu1 = (y > 64'sd127) ? 8'h7f : (y < -64'sd128) ? 8'h80 : y[7:0];
		end
	endfunction

	/* ---- controller state (models/fu.h struct fu) ---- */
	/* reader */
	reg [BIB-1:0]     rd_beat;	/* next beat to read */
	reg [BB-1:0]      rd_left;	/* beats still to read */
	reg               x_last;	/* the beat being presented is the tile's last */
	/* output beats in flight: stage k at [k*PW +: PW] */
	reg [LATENCY*PW-1:0] pipe;

	/* next state */
	reg [BIB-1:0]     rd_beat_n, x_beat_n, beat_c;
	reg [BB-1:0]      rd_left_n, left_c;
	reg               x_rd_n, x_last_n;
	reg [LATENCY*PW-1:0] pipe_n;
	/* per-cycle temporaries */
	integer           e_i, lane, idx, k;
	reg [LANES*8-1:0] yv;

	/* elements of a packed command: rows * n */
	function integer elems(input [RB-1:0] rows, input [NB-1:0] n);
		elems = {{(32-RB){1'b0}}, rows} * {{(32-NB){1'b0}}, n};
	endfunction

	/* ---- one cycle: fu_step, then the data path ---- */
	always @(*) begin

		/* 4. reader: beat j of the tile on busy cycle j */
		beat_c = start ? {BIB{1'b0}} : rd_beat;
		left_c = start ? BB'((elems(cur_n[C_ROWS +: RB], cur_n[C_N +: NB]) + LANES - 1) / LANES) : rd_left;
		x_rd_n = 1'b0;
		x_last_n = 1'b0;
		x_beat_n = x_beat;
		rd_beat_n = beat_c;
		rd_left_n = left_c;
		if (left_c != {BB{1'b0}}) begin
			x_rd_n = 1'b1;
			x_beat_n = beat_c;
			x_last_n = left_c == {{(BB-1){1'b0}}, 1'b1};
			rd_beat_n = beat_c + 1'b1;
			rd_left_n = left_c - 1'b1;
		end

		/* 5. take the beat presented this cycle (cur's size and format) */
		e_i = elems(cur[C_ROWS +: RB], cur[C_N +: NB]);
		yv = {(LANES*8){1'b0}};
		for (lane = 0; lane < LANES; lane = lane + 1) begin
			idx = {{(32-BIB){1'b0}}, x_beat} * LANES + lane;
			if (x_rd && idx < e_i)
				yv[lane*8 +: 8] = gelu1(x_data[lane*8 +: 8], cur[C_IF +: 3],
							cur[C_OF +: 3], cur[C_STEP +: 3],
							cur[C_RANGE +: 11]);
		end

		/* 6. the pipeline: a new beat enters, the oldest is on out_* */
		pipe_n = pipe;
		for (k = LATENCY - 1; k > 0; k = k - 1)
			pipe_n[k*PW +: PW] = pipe[(k-1)*PW +: PW];
		pipe_n[0 +: PW] = x_rd ? {1'b1, x_last, x_beat, yv} : {PW{1'b0}};
	end

	assign {out_valid, out_beat, out_y} =
		{pipe[(LATENCY-1)*PW + PW - 1], pipe[(LATENCY-1)*PW +: PW-2]};
	wire out_last = pipe[(LATENCY-1)*PW + PW - 2];

	always @(posedge clk) begin
		if (!rst_l) begin
			x_rd <= 1'b0;
			x_beat <= {BIB{1'b0}};
			x_last <= 1'b0;
			rd_beat <= {BIB{1'b0}};
			rd_left <= {BB{1'b0}};
			pipe <= {(LATENCY*PW){1'b0}};
		end else begin
			x_rd <= x_rd_n;
			x_beat <= x_beat_n;
			x_last <= x_last_n;
			rd_beat <= rd_beat_n;
			rd_left <= rd_left_n;
			pipe <= pipe_n;
		end
	end

`ifndef SYNTHESIS
	/* impossible in the model (SIM_ASSERT) or malformed command streams */
	always @(posedge clk) begin
		if (rst_l) begin
			assert (!(cmd_valid && cmd_ready) ||
				({{(32-RB){1'b0}}, cmd_rows} - 1 < ROWS &&
				 {{(32-NB){1'b0}}, cmd_cols} - 1 < N_MAX))
			else $error("vec: command rows/cols out of range");
			/* the data path ends with the tile: kcycles = vec_cycles */
			assert (wb_done_valid == (out_valid && out_last))
			else $error("vec: last output not on wb_done (kcycles != vec_cycles?)");
		end
	end
`endif
endmodule

`default_nettype wire
