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
 * so 25 quotient bits, DIV_STEPS of them a cycle, final after DIV_CYCLES.
 *
 * Pass 2 (take2): p = min(255, round(E(b - x) * r / 2^40)) per lane (0 at
 * or beyond n), combinationally on p; the instantiating unit's output
 * pipeline delays it.
 *
 * Debug ports (registers, for the co-simulations to compare every cycle):
 * dbg_b and dbg_s, the running maximum and sum of the row being read (held
 * after its last beat, 0 after reset); dbg_r, the divider's quotient: the
 * top k bits of r = floor(2^48 / s) after its k-th restoring step, all of r
 * from the step that ends the division until the next load.
 *
 * Fused front end (FROWS > 1: rtl/smx.v's drain and fetch ports). Scores
 * arrive on the engine's drain (d_*) rather than from x_data: a drain beat
 * is d_cnt scores of row d_row (of FROWS, every row of the op's heads)
 * starting at column d_col, taken in the cycle it is presented. The unit
 * keeps each row's scores in a score buffer of FROWS x N_MAX bytes and its
 * running (b, s) in a row file; a beat at column 0 starts the row afresh.
 * The beat that completes a row (d_col + d_cnt = d_n) sends the row's s,
 * with the beat folded in, into a reciprocal pipeline of DIV_CYCLES stages
 * (DIV_STEPS restoring steps each, one row a cycle), whose last stage writes
 * r into the row file: a row completed in cycle t has r from cycle
 * t + DIV_CYCLES + 1. A fetch (f_valid) asks for f_cnt probabilities of the
 * rows-by-f_klen operand window starting at row f_row, column f_col, in
 * row-major order (a fetch that passes column f_k0 + f_klen - 1 goes on at
 * column f_k0 of the next row); fp has them combinationally, lane l at
 * [l*8 +: 8], 0 from lane f_cnt on. chk asks that rows chk_r0 ..
 * chk_r0 + chk_rows - 1 all have their reciprocal (asserted).
 */
`default_nettype none

module smx_online #(
	parameter integer LANES      = 2,	/* scores per beat */
	parameter integer N_MAX      = 64,	/* longest row */
	parameter integer DIV_CYCLES = 8,	/* recip_latency, >= 1 */
	parameter integer FROWS      = 1	/* rows of the fused score buffer; 1: none */
) (
`include "rtl/smx_dp_pins.vh"
	output wire [LANES*8-1:0]                           p,	/* this pass-2 beat's probabilities */
	/* debug (header): running max and sum, the reciprocal so far */
	output wire signed [7:0]                            dbg_b,
	output wire [40:0]                                  dbg_s,
	output wire [24:0]                                  dbg_r,
	/* fused front end (header); tie to 0 when FROWS = 1 */
	input  wire                                         d_valid,	/* a drain beat this cycle */
	input  wire [((FROWS > 1) ? $clog2(FROWS) : 1)-1:0]  d_row,
	input  wire [$clog2(N_MAX+1)-1:0]                   d_col,	/* column of lane 0 */
	input  wire [$clog2(LANES+1)-1:0]                   d_cnt,	/* scores in the beat, 1 .. LANES */
	input  wire [$clog2(N_MAX+1)-1:0]                   d_n,	/* row length */
	input  wire [3:0]                                   d_q,	/* in_frac, clamped to 15 */
	input  wire [LANES*8-1:0]                           d_data,	/* lane l at [l*8 +: 8] */
	input  wire                                         f_valid,	/* a fetch this cycle */
	input  wire [((FROWS > 1) ? $clog2(FROWS) : 1)-1:0]  f_row,	/* row and column of lane 0 */
	input  wire [$clog2(N_MAX+1)-1:0]                   f_col,
	input  wire [$clog2(N_MAX+1)-1:0]                   f_k0,	/* the window's first column */
	input  wire [$clog2(N_MAX+1)-1:0]                   f_klen,	/* and its width */
	input  wire [$clog2(LANES+1)-1:0]                   f_cnt,	/* probabilities asked, 1 .. LANES */
	input  wire [3:0]                                   f_q,	/* in_frac, clamped to 15 */
	output wire [LANES*8-1:0]                           fp,	/* the fetch's probabilities */
	input  wire                                         chk,	/* a fused tile ends: check its rows */
	input  wire [((FROWS > 1) ? $clog2(FROWS) : 1)-1:0]  chk_r0,
	input  wire [$clog2(FROWS+1)-1:0]                   chk_rows
);
	localparam integer CMAX      = (N_MAX + LANES - 1) / LANES;
	localparam integer CIB       = (CMAX > 1) ? $clog2(CMAX) : 1;
	localparam integer NB        = $clog2(N_MAX + 1);
	/* 25 quotient bits (2^8 <= r <= 2^24) in DIV_CYCLES cycles */
	localparam integer QBITS     = 25;
	localparam integer DIV_STEPS = (QBITS + DIV_CYCLES - 1) / DIV_CYCLES;
	localparam [63:0]  L2E       = 64'd24204406;	/* SMX_L2E */

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

	/* one score into a row's running (b, s): the online recurrence */
	function [48:0] online_step(input signed [7:0] b0, input [40:0] s0,
				    input signed [7:0] x, input first, input [3:0] fq);
		reg [63:0] pr;
		begin
			if (first) begin
				online_step = {x, 41'd1 << 24};
			end else if (x > b0) begin
				pr = {23'd0, s0} * {39'd0, exp_q24(8'(x - b0), fq)};
				online_step = {x, 41'((pr + 64'd8388608) >> 24) + (41'd1 << 24)};
			end else begin
				online_step = {b0, s0 + {16'd0, exp_q24(8'(b0 - x), fq)}};
			end
		end
	endfunction

	/* p = min(255, round(E(b - x) * r / 2^40)) */
	function [7:0] prob(input signed [7:0] b0, input signed [7:0] x,
			    input [QBITS-1:0] r, input [3:0] fq);
		reg [48:0] pr;
		begin
			pr = {24'd0, exp_q24(8'(b0 - x), fq)} * {24'd0, r};
			pr = (pr + (49'd1 << 39)) >> 40;
			prob = (pr > 49'd255) ? 8'd255 : pr[7:0];
		end
	endfunction

	/* div_steps: DIV_STEPS restoring steps of r = floor(2^48 / s) */
`include "rtl/smx_div.vh"

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
	reg [48:0]        bs;
	reg [LANES*8-1:0] p_r;
	integer           n_i, lane, idx;

	assign p = p_r;
	assign dbg_b = acc_b;
	assign dbg_s = acc_s;
	assign dbg_r = dv_q;

	always @(*) begin
		/* 5. take the beat presented this cycle */
		n_i = {{(32-NB){1'b0}}, n};
		acc_b_n = acc_b;
		acc_s_n = acc_s;
		bs = 49'd0;
		p_r = {(LANES*8){1'b0}};
		for (lane = 0; lane < LANES; lane = lane + 1) begin
			idx = {{(32-CIB){1'b0}}, col} * LANES + lane;
			xv = x_data[lane*8 +: 8];
			if (take1 && idx < n_i) begin
				bs = online_step(acc_b_n, acc_s_n, xv, idx == 0, q);
				acc_b_n = bs[48:41];
				acc_s_n = bs[40:0];
			end else if (take2 && idx < n_i) begin
				p_r[lane*8 +: 8] = prob(dv_b, xv, dv_q, q);
			end
		end

		/* 6. divider: load on a window's first cycle, else DIV_STEPS steps */
		dv_b_n = load ? acc_b_n : dv_b;
		dv_s_n = load ? acc_s_n : dv_s;
		{dv_rem_n, dv_q_n, dv_left_n} = div_steps(dv_rem, dv_q, dv_left, dv_s);
		if (load) begin
			dv_rem_n = 42'd1 << 23;	/* 2^48 after its bits 48 .. 25 */
			dv_q_n = {QBITS{1'b0}};
			dv_left_n = 5'(QBITS);
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

	/* ---- fused front end (FROWS > 1) ---- */
	generate
	if (FROWS > 1) begin : g_fused
		localparam integer FRB = $clog2(FROWS);
		localparam integer SAB = $clog2(FROWS * N_MAX);	/* score buffer address */

		reg [7:0]         smem [0:FROWS*N_MAX-1];	/* scores, row-major */
		reg signed [7:0]  f_b [0:FROWS-1];	/* running, then final, max */
		reg [40:0]        f_s [0:FROWS-1];	/* running sum, Q17.24 */
		reg [QBITS-1:0]   f_r [0:FROWS-1];	/* reciprocal of a complete row */
		reg [FROWS-1:0]   f_rdy;		/* f_r is the row's */
		/* the reciprocal pipeline: stage k has done k * DIV_STEPS steps */
		reg [DIV_CYCLES-1:0] rp_v;
		reg [FRB-1:0]     rp_row [0:DIV_CYCLES-1];
		reg [40:0]        rp_s   [0:DIV_CYCLES-1];
		reg [41:0]        rp_rem [0:DIV_CYCLES-1];
		reg [QBITS-1:0]   rp_q   [0:DIV_CYCLES-1];
		reg [4:0]         rp_left [0:DIV_CYCLES-1];

		reg signed [7:0]  d_b_n;
		reg [40:0]        d_s_n;
		reg [48:0]        dbs;
		reg               d_done;	/* this beat completes its row */
		reg [LANES*8-1:0] fp_r;
		reg [LANES*FRB-1:0] fr;		/* each fetch lane's row, lane l at [l*FRB +: FRB] (checks) */
		reg [DIV_CYCLES*72-1:0] st;	/* each stage's steps, {rem, q, left} */
		reg [FRB-1:0]     frl;		/* lane l's row and column */
		reg [NB-1:0]      fcl;
		integer           l, k, i;

		assign fp = fp_r;

		always @(*) begin
			/* a drain beat: lanes in order into its row's (b, s) */
			d_b_n = f_b[d_row];
			d_s_n = f_s[d_row];
			dbs = 49'd0;
			for (l = 0; l < LANES; l = l + 1)
				if (l < {{(32-$clog2(LANES+1)){1'b0}}, d_cnt}) begin
					dbs = online_step(d_b_n, d_s_n, d_data[l*8 +: 8],
							  d_col == {NB{1'b0}} && l == 0, d_q);
					d_b_n = dbs[48:41];
					d_s_n = dbs[40:0];
				end
			d_done = {{(32-NB){1'b0}}, d_col} + {{(32-$clog2(LANES+1)){1'b0}}, d_cnt} ==
				 {{(32-NB){1'b0}}, d_n};
			/* a fetch: lane l one step after lane l - 1 in the window */
			fp_r = {(LANES*8){1'b0}};
			fr = {(LANES*FRB){1'b0}};
			frl = f_row;
			fcl = f_col;
			for (l = 0; l < LANES; l = l + 1) begin
				fr[l*FRB +: FRB] = frl;
				if (l < {{(32-$clog2(LANES+1)){1'b0}}, f_cnt})
					fp_r[l*8 +: 8] = prob(f_b[frl],
						smem[SAB'({{(32-FRB){1'b0}}, frl} * N_MAX +
							  {{(32-NB){1'b0}}, fcl})],
						f_r[frl], f_q);
				if ({{(32-NB){1'b0}}, fcl} + 1 ==
				    {{(32-NB){1'b0}}, f_k0} + {{(32-NB){1'b0}}, f_klen}) begin
					frl = frl + 1'b1;
					fcl = f_k0;
				end else begin
					fcl = fcl + 1'b1;
				end
			end
			for (k = 0; k < DIV_CYCLES; k = k + 1)
				st[k*72 +: 72] = div_steps(rp_rem[k], rp_q[k], rp_left[k], rp_s[k]);
		end

		always @(posedge clk) begin
			if (!rst_l) begin
				rp_v <= {DIV_CYCLES{1'b0}};
				f_rdy <= {FROWS{1'b0}};
			end else begin
				/* the last stage's row has its reciprocal */
				if (rp_v[DIV_CYCLES-1]) begin
					f_r[rp_row[DIV_CYCLES-1]] <= st[(DIV_CYCLES-1)*72 + 5 +: QBITS];
					f_rdy[rp_row[DIV_CYCLES-1]] <= 1'b1;
				end
				for (k = DIV_CYCLES - 1; k > 0; k = k - 1) begin
					rp_v[k] <= rp_v[k-1];
					rp_row[k] <= rp_row[k-1];
					rp_s[k] <= rp_s[k-1];
					{rp_rem[k], rp_q[k], rp_left[k]} <= st[(k-1)*72 +: 72];
				end
				rp_v[0] <= d_valid && d_done;
				if (d_valid) begin
					f_b[d_row] <= d_b_n;
					f_s[d_row] <= d_s_n;
					for (l = 0; l < LANES; l = l + 1)
						if (l < {{(32-$clog2(LANES+1)){1'b0}}, d_cnt})
							smem[SAB'({{(32-FRB){1'b0}}, d_row} * N_MAX +
								  {{(32-NB){1'b0}}, d_col} + l)] <=
								d_data[l*8 +: 8];
					if (d_col == {NB{1'b0}})
						f_rdy[d_row] <= 1'b0;
					if (d_done) begin
						rp_row[0] <= d_row;
						rp_s[0] <= d_s_n;
						rp_rem[0] <= 42'd1 << 23;
						rp_q[0] <= {QBITS{1'b0}};
						rp_left[0] <= 5'(QBITS);
					end
				end
			end
		end
`ifndef SYNTHESIS
		always @(posedge clk)
			if (rst_l) begin
				if (d_valid)
					assert (d_cnt != 0 && {{(32-NB){1'b0}}, d_col} +
						{{(32-$clog2(LANES+1)){1'b0}}, d_cnt} <=
						{{(32-NB){1'b0}}, d_n} && {{(32-NB){1'b0}}, d_n} <= N_MAX)
					else $error("smx_online: drain beat past its row");
				for (l = 0; l < LANES; l = l + 1)
					if (f_valid && l < {{(32-$clog2(LANES+1)){1'b0}}, f_cnt})
						assert (f_rdy[fr[l*FRB +: FRB]])
						else $error("smx_online: fetch of row %0d before its reciprocal",
							    fr[l*FRB +: FRB]);
				/* (the loop only on the cycle a fused tile ends) */
				if (chk)
					for (i = 0; i < FROWS; i = i + 1)
						if (i >= {{(32-FRB){1'b0}}, chk_r0} &&
						    i < {{(32-FRB){1'b0}}, chk_r0} +
							{{(32-$clog2(FROWS+1)){1'b0}}, chk_rows})
							assert (f_rdy[i])
							else $error("smx_online: fused tile ends before row %0d's reciprocal (kcycles != smx_fused_cycles?)",
								    i);
			end
`endif
	end else begin : g_plain
		/* verilator lint_off UNUSEDSIGNAL */
		wire unused = &{1'b0, d_valid, d_row, d_col, d_cnt, d_n, d_q, d_data,
				f_valid, f_row, f_col, f_k0, f_klen, f_cnt, f_q, chk,
				chk_r0, chk_rows};
		/* verilator lint_on UNUSEDSIGNAL */
		assign fp = {(LANES*8){1'b0}};
	end
	endgenerate
endmodule

`default_nettype wire
