/*
 * smx_online.v - the data path of the softmax unit's `online` algorithm,
 * bit-exact with smx_row(SMX_ONLINE) in models/smx_ref.c. rtl/smx.v
 * instantiates it when ALGORITHM = 0, and rtl/gate.v for its softmax over
 * the experts; the instantiating sequencer keeps the schedule (a row read
 * once, its reciprocal over DIV_CYCLES cycles, the row read again), this
 * block only computes. The same ports as rtl/smx_ita.v.
 *
 * Pass 1 (take1): E(d) from the 65-entry 2^-f table with linear
 * interpolation; running maximum b and Q17.24 sum s, the sum rescaled by
 * E(x - b) when a score beats the maximum (lanes in order within a beat).
 *
 * Reciprocal (load): on the first cycle of a window the row's (b, s), with
 * the beat taken in that cycle already folded in, move to the divider,
 * which finds r = floor(2^48 / s) by restoring division: 2^8 <= r <= 2^24,
 * so 25 quotient bits, DIV_BITS of them a cycle, final after DIV_CYCLES.
 *
 * Pass 2 (take2): p = min(255, round(E(b - x) * r / 2^40)) per lane (0 at
 * or beyond n), combinationally on p; the instantiating unit's output
 * pipeline delays it.
 */
`default_nettype none

module smx_online #(
	parameter integer LANES      = 2,	/* scores per beat */
	parameter integer N_MAX      = 64,	/* longest row */
	parameter integer DIV_CYCLES = 8	/* recip_latency, >= 1 */
) (
	input  wire                                         clk,
	input  wire                                         rst_l,	/* synchronous reset */
	input  wire                                         take1,	/* a pass-1 beat is on x_data */
	input  wire                                         take2,	/* a pass-2 beat is on x_data */
	input  wire [(((N_MAX+LANES-1)/LANES > 1) ? $clog2((N_MAX+LANES-1)/LANES) : 1)-1:0] col,	/* its beat in the row */
	input  wire [LANES*8-1:0]                           x_data,	/* lane l at [l*8 +: 8] */
	input  wire [$clog2(N_MAX+1)-1:0]                   n,	/* row length */
	input  wire [3:0]                                   q,	/* in_frac, clamped to 15 */
	input  wire                                         load,	/* the divider takes the row just read */
	output wire [LANES*8-1:0]                           p	/* this pass-2 beat's probabilities */
);
	localparam integer CMAX     = (N_MAX + LANES - 1) / LANES;
	localparam integer CIB      = (CMAX > 1) ? $clog2(CMAX) : 1;
	localparam integer NB       = $clog2(N_MAX + 1);
	/* 25 quotient bits (2^8 <= r <= 2^24) in DIV_CYCLES cycles */
	localparam integer QBITS    = 25;
	localparam integer DIV_BITS = (QBITS + DIV_CYCLES - 1) / DIV_CYCLES;
	localparam [63:0]  L2E      = 64'd24204406;	/* SMX_L2E */

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
	function [24:0] exp_q24(input [7:0] d, input [3:0] fq);
		reg [63:0] t, oct, phi, rem, step, v, mask_f, mask_r, half_r;
		reg [5:0]  fb, rb;
		reg [6:0]  j;
		reg [24:0] tj, tj1;
		begin
			fb = 6'd24 + {2'b00, fq};
			rb = fb - 6'd6;
			t = {56'd0, d} * L2E;
			mask_f = (64'd1 << fb) - 64'd1;
			mask_r = (64'd1 << rb) - 64'd1;
			half_r = 64'd1 << (rb - 6'd1);
			phi = t & mask_f;
			oct = phi >> rb;
			j = {1'b0, oct[5:0]};
			oct = t >> fb;
			rem = phi & mask_r;
			tj = exp2_tab(j);
			tj1 = exp2_tab(j + 7'd1);
			step = {39'd0, tj - tj1};
			v = {39'd0, tj} - ((step * rem + half_r) >> rb);
			if (oct > 64'd25)
				exp_q24 = 25'd0;
			else
				exp_q24 = 25'((v + ((64'd1 << oct[4:0]) >> 1)) >> oct[4:0]);
		end
	endfunction

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
	reg [LANES*8-1:0] p_r;
	integer           n_i, lane, idx, b;

	assign p = p_r;

	always @(*) begin
		/* 5. take the beat presented this cycle */
		n_i = {{(32-NB){1'b0}}, n};
		acc_b_n = acc_b;
		acc_s_n = acc_s;
		p_r = {(LANES*8){1'b0}};
		for (lane = 0; lane < LANES; lane = lane + 1) begin
			idx = {{(32-CIB){1'b0}}, col} * LANES + lane;
			xv = x_data[lane*8 +: 8];
			e = 25'd0;
			prod = 64'd0;
			pr = 49'd0;
			if (take1 && idx < n_i) begin
				/* pass 1: the online recurrence */
				if (idx == 0) begin
					acc_b_n = xv;
					acc_s_n = 41'd1 << 24;
				end else if (xv > acc_b_n) begin
					e = exp_q24(8'(xv - acc_b_n), q);
					prod = {23'd0, acc_s_n} * {39'd0, e};
					acc_s_n = 41'((prod + 64'd8388608) >> 24) + (41'd1 << 24);
					acc_b_n = xv;
				end else begin
					e = exp_q24(8'(acc_b_n - xv), q);
					acc_s_n = acc_s_n + {16'd0, e};
				end
			end else if (take2 && idx < n_i) begin
				/* pass 2: p = min(255, round(E * r / 2^40)) */
				e = exp_q24(8'(dv_b - xv), q);
				pr = {24'd0, e} * {24'd0, dv_q};
				pr = (pr + (49'd1 << 39)) >> 40;
				p_r[lane*8 +: 8] = (pr > 49'd255) ? 8'd255 : pr[7:0];
			end
		end

		/* 6. divider: load on a window's first cycle, else DIV_BITS steps */
		dv_b_n = dv_b;
		dv_s_n = dv_s;
		dv_rem_n = dv_rem;
		dv_q_n = dv_q;
		dv_left_n = dv_left;
		if (load) begin
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
`ifndef SYNTHESIS
	always @(posedge clk)
		if (rst_l)
			/* the schedule gives the divider DIV_CYCLES cycles */
			assert (!take2 || dv_left == 5'd0)
			else $error("smx_online: second pass before the reciprocal ended");
`endif
endmodule

`default_nettype wire
