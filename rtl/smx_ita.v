/*
 * smx_ita.v - the data path of the softmax unit's `ita` algorithm (ITA's
 * integer streaming softmax), bit-exact with smx_row(SMX_ITA) in
 * models/smx_ref.c. rtl/smx.v instantiates it when ALGORITHM = 1 and drives
 * it from the same sequencer and controller as the online data path, so
 * the unit's timing is smx_cycles for ita: a row's division lasts
 * DIV_CYCLES = ceil(div_latency / dividers) cycles (see rtl/smx.v).
 *
 * Pass 1 (take1): each score x becomes its base-2 value
 *   u = round((x + 128) * L2E * 2^(S - 24 - q)),  S = 5 with eps32, else 0,
 * and joins the current group of 16 scores (idx / 16). ITA rescales per
 * group: the group's sum needs the group's maximum first, so the group's u
 * values wait in a 16-entry buffer. When a group's last score arrives (idx
 * % 16 = 15, or the row's last), in that same cycle:
 *   m' = max(m, group max) (the first group sets m);
 *   acc = sat19((acc >> shift(m' - m)) + sum(256 >> shift(m' - u_i))).
 * With LANES > 16 a beat closes several groups, in lane order.
 *
 * Division (load): on the first cycle of a window the row's (m, acc), with
 * the beat taken in that cycle already folded in, move to the divider,
 * which then finds inv = floor(65280 / acc) by restoring division: 65280 =
 * 0xff00 and acc >= 256, so the top 8 quotient bits are 0 and 8 steps
 * remain, DIV_STEPS of them a cycle; the quotient is final after
 * DIV_CYCLES cycles, when the row's second pass starts.
 *
 * Pass 2 (take2): p = inv >> shift(m - u) per lane (0 at or beyond n),
 * combinationally on p; rtl/smx.v's output pipeline delays it.
 *
 * shift(d) = d (eps32 = 0) or (d + 16) >> 5 (eps32 = 1); a shift past a
 * value's width gives 0.
 */
`default_nettype none

module smx_ita #(
	parameter integer LANES      = 2,	/* scores per beat */
	parameter integer N_MAX      = 64,	/* longest row */
	parameter integer DIV_CYCLES = 10	/* ceil(div_latency / dividers), >= 1 */
) (
`include "rtl/smx_dp_pins.vh"
	input  wire                                         eps32,	/* smx_fmt.ita_eps32 */
	output reg  [LANES*8-1:0]                           p	/* this pass-2 beat's probabilities */
);
	localparam integer CMAX  = (N_MAX + LANES - 1) / LANES;
	localparam integer CIB   = (CMAX > 1) ? $clog2(CMAX) : 1;
	localparam integer NB    = $clog2(N_MAX + 1);
	localparam integer UB    = 14;		/* u <= 11772 */
	localparam integer GROUP = 16;		/* SMX_ITA_GROUP */
	localparam integer ACCB  = 19;		/* SMX_ITA_ACC_BITS */
	localparam integer QB    = 8;		/* quotient bits left to find */
	localparam integer DIV_STEPS = (QB + DIV_CYCLES - 1) / DIV_CYCLES;
	localparam [63:0]  L2E   = 64'd24204406;	/* SMX_L2E */

	/* smx_ita_base2: u in units of 2^-S octaves */
	function [UB-1:0] base2(input [7:0] x, input [3:0] fq, input e32);
		reg [63:0] t;
		reg [5:0]  sh;
		begin
			t = {56'd0, x ^ 8'h80} * L2E;	/* (x + 128) * L2E */
			sh = 6'd24 + {2'b00, fq} - (e32 ? 6'd5 : 6'd0);
			t = (t + (64'd1 << (sh - 6'd1))) >> sh;
			base2 = t[UB-1:0];
		end
	endfunction

	/* ITA's shift for a base-2 distance d */
	function [UB-1:0] shift(input [UB-1:0] d, input e32);
		/* d <= 11772: d + 16 does not overflow */
		shift = e32 ? (d + 14'd16) >> 5 : d;
	endfunction

	/* 256 >> s, 0 from s = 9 on */
	function [8:0] one_shr(input [UB-1:0] s);
		one_shr = (s > 14'd8) ? 9'd0 : (9'd256 >> s[3:0]);
	endfunction

	/* div_steps: DIV_STEPS restoring steps of inv = floor(65280 / acc) */
`include "rtl/smx_div.vh"

	/* ---- pass-1 state: the row being read ---- */
	reg [UB-1:0]       m;		/* running maximum */
	reg [ACCB-1:0]     acc;		/* denominator, saturating */
	reg [GROUP*UB-1:0] gbuf;	/* u of the open group, entry k at [k*UB +: UB] */
	reg [4:0]          gcnt;	/* entries in gbuf, 0 .. 16 */
	reg [UB-1:0]       gmax;	/* maximum of the open group */
	/* ---- divider: the row whose second pass comes next ---- */
	reg [UB-1:0]       dv_m;	/* its maximum */
	reg [ACCB-1:0]     dv_d;	/* its denominator, the divisor (>= 256) */
	reg [ACCB:0]       dv_rem;	/* partial remainder */
	reg [QB-1:0]       dv_q;	/* quotient bits found */
	reg [3:0]          dv_left;	/* steps still to do */

	reg [UB-1:0]       m_n, gmax_n, u, d;
	reg [ACCB-1:0]     acc_n, dv_d_n;
	reg [GROUP*UB-1:0] gbuf_n;
	reg [4:0]          gcnt_n;
	reg [UB-1:0]       dv_m_n;
	reg [ACCB:0]       dv_rem_n;
	reg [QB-1:0]       dv_q_n;
	reg [3:0]          dv_left_n;
	reg [ACCB:0]       sum;		/* a group's terms, then acc + them */
	/* verilator lint_off UNUSEDSIGNAL */
	reg [71:0]         st;		/* div_steps: {rem, q, left}, zero-extended */
	/* verilator lint_on UNUSEDSIGNAL */
	integer            lane, idx, k;

	always @(*) begin
		d = {UB{1'b0}};
		sum = {(ACCB+1){1'b0}};
		m_n = m;
		acc_n = acc;
		gbuf_n = gbuf;
		gcnt_n = gcnt;
		gmax_n = gmax;
		p = {(LANES*8){1'b0}};
		for (lane = 0; lane < LANES; lane = lane + 1) begin
			idx = {{(32-CIB){1'b0}}, col} * LANES + lane;
			u = base2(x_data[lane*8 +: 8], q, eps32);
			if (take1 && idx < {{(32-NB){1'b0}}, n}) begin
				if (idx == 0) begin
					gcnt_n = 5'd0;
					gmax_n = {UB{1'b0}};
				end
				gbuf_n[gcnt_n[3:0]*UB +: UB] = u;
				gcnt_n = gcnt_n + 5'd1;
				gmax_n = (u > gmax_n) ? u : gmax_n;
				if (idx % GROUP == GROUP - 1 || idx == {{(32-NB){1'b0}}, n} - 1) begin
					/* the group is complete: rescale, then add its terms */
					if (idx < GROUP) begin
						m_n = gmax_n;
						acc_n = {ACCB{1'b0}};
					end else if (gmax_n > m_n) begin
						d = shift(gmax_n - m_n, eps32);
						acc_n = (d >= UB'(ACCB)) ? {ACCB{1'b0}} : acc_n >> d;
						m_n = gmax_n;
					end
					sum = {(ACCB+1){1'b0}};
					for (k = 0; k < GROUP; k = k + 1)
						if (k < {27'd0, gcnt_n})
							sum = sum + {11'd0, one_shr(shift(m_n - gbuf_n[k*UB +: UB], eps32))};
					sum = sum + {1'b0, acc_n};
					acc_n = sum[ACCB] ? {ACCB{1'b1}} : sum[ACCB-1:0];
					gcnt_n = 5'd0;
					gmax_n = {UB{1'b0}};
				end
			end else if (take2 && idx < {{(32-NB){1'b0}}, n}) begin
				/* p = inv >> shift(m - u) */
				d = shift(dv_m - u, eps32);
				p[lane*8 +: 8] = (d >= UB'(QB)) ? 8'd0 : dv_q >> d;
			end
		end

		/* the divider: load (0xff00 after its top 8 bits: remainder 255, QB
		 * quotient bits to find), else DIV_STEPS restoring steps */
		st = load ? {42'd255, 25'd0, 5'(QB)} :
			    div_steps({22'd0, dv_rem}, {17'd0, dv_q}, {1'b0, dv_left}, {22'd0, dv_d});
		dv_m_n = load ? m_n : dv_m;
		dv_d_n = load ? acc_n : dv_d;
		dv_rem_n = st[30 +: ACCB+1];
		dv_q_n = st[5 +: QB];
		dv_left_n = st[3:0];
	end

	always @(posedge clk) begin
		if (!rst_l) begin
			m <= {UB{1'b0}};
			acc <= {ACCB{1'b0}};
			gbuf <= {(GROUP*UB){1'b0}};
			gcnt <= 5'd0;
			gmax <= {UB{1'b0}};
			dv_m <= {UB{1'b0}};
			dv_d <= {ACCB{1'b0}};
			dv_rem <= {(ACCB+1){1'b0}};
			dv_q <= {QB{1'b0}};
			dv_left <= 4'd0;
		end else begin
			m <= m_n;
			acc <= acc_n;
			gbuf <= gbuf_n;
			gcnt <= gcnt_n;
			gmax <= gmax_n;
			dv_m <= dv_m_n;
			dv_d <= dv_d_n;
			dv_rem <= dv_rem_n;
			dv_q <= dv_q_n;
			dv_left <= dv_left_n;
		end
	end

`ifndef SYNTHESIS
	always @(posedge clk) begin
		if (rst_l) begin
			/* the maximum adds 256 >> 0, so no row divides by less */
			assert (!load || acc_n >= 19'd256)
			else $error("smx_ita: denominator %0d below 256", acc_n);
			/* the schedule gives the divider DIV_CYCLES cycles */
			assert (!take2 || dv_left == 4'd0)
			else $error("smx_ita: second pass before the division ended");
		end
	end
`endif
endmodule

`default_nettype wire
