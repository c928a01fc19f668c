/*
 * sde_pe.v - one processing element of the sparse-dense engine's systolic
 * array (rtl/sde.v; timing contract in models/sde.h, formulas in
 * docs/models.md "The sparse-dense engine").
 *
 * Output-stationary: the PE keeps output (r, c) of the tile in its
 * accumulator while the k-slices flow past it. Activation windows and the
 * beat's control enter from the left and leave to the right one register
 * later; weights and index-mux selects enter from the top and leave to the
 * bottom one register later. The slice at the inputs in cycle u is
 * accumulated at the end of cycle u + PIPE - 1, through PIPE registers:
 *   1  mux select   N_MAX activations picked from the window (WIN:1 muxes)
 *   2  multiply     N_MAX signed ACT_BITS x WEIGHT_BITS products
 *   3  adder tree   clog2(N_MAX) levels of pairwise sums, one register each
 *   4  accumulate   acc <= (first ? 0 : acc) + sum; on the tile's last
 *                   slice the shadow register takes the same value
 * so PIPE = 3 + clog2(N_MAX) (models/sde.c sde_pipe_depth). The sums wrap
 * at 32 bits like models/sde.c's uint32 arithmetic: products are exact in
 * ACT_BITS + WEIGHT_BITS bits and tree nodes in up to 32, so truncating to
 * 32 bits anywhere gives the C model's value.
 *
 * Dense operands need no bypass here: the engine's decode sets sel_j = j.
 *
 * Every data register loads only when its stage holds a valid beat (a
 * clock enable), so an idle array, or the part of it a beat has not
 * reached, does not toggle.
 *
 * Invariant: acc and shadow change only on a valid beat (shadow only on a
 * last one); the control bits (valid, first, last) move through the stages
 * with their data, and only they are reset.
 */
`default_nettype none

module sde_pe #(
	parameter integer N_MAX       = 2,	/* multipliers */
	parameter integer M_MAX       = 8,	/* inputs of each index mux (sparse window) */
	parameter integer ACT_BITS    = 8,	/* activation width, <= 16 */
	parameter integer WEIGHT_BITS = 8,	/* weight width, <= 16 */
	localparam integer WIN        = (M_MAX > N_MAX) ? M_MAX : N_MAX,	/* window: activations per beat */
	localparam integer SELB       = (WIN > 1) ? $clog2(WIN) : 1	/* mux select bits */
) (
	input  wire                          clk,
	input  wire                          rst_l,		/* synchronous reset of the control bits */
	/* from the left neighbour (or the row's edge skew) */
	input  wire [WIN*ACT_BITS-1:0]       a_in,	/* window position p at [p*ACT_BITS +: ACT_BITS] */
	input  wire [2:0]                    ctl_in,	/* {last, first, valid} of the beat */
	/* from the neighbour above (or the column's edge skew) */
	input  wire [N_MAX*WEIGHT_BITS-1:0]  w_in,	/* multiplier j at [j*WEIGHT_BITS +: WEIGHT_BITS] */
	input  wire [N_MAX*SELB-1:0]         sel_in,	/* window position of multiplier j */
	/* to the right and to the bottom neighbours, one cycle later */
	output reg  [WIN*ACT_BITS-1:0]       a_out,
	output reg  [2:0]                    ctl_out,
	output reg  [N_MAX*WEIGHT_BITS-1:0]  w_out,
	output reg  [N_MAX*SELB-1:0]         sel_out,
	/* to the column's output bus */
	output reg  [31:0]                   acc,	/* running sum of the tile */
	output reg  [31:0]                   shadow	/* the last finished tile */
);
	localparam integer V = 0, F = 1, L = 2;	/* ctl bits: valid, first, last */
	localparam integer LEVELS = $clog2(N_MAX);	/* adder-tree registers */
	localparam integer PW = ACT_BITS + WEIGHT_BITS;	/* exact signed product */
	/* tree node width: exact sum of 2^LEVELS products, or the 32 that wrap */
	localparam integer TW = (PW + LEVELS < 32) ? PW + LEVELS : 32;
	localparam integer NPAD = 1 << SELB;	/* the window padded to the mux's size */

	/* pass-through: the neighbours see this cycle's beat next cycle */
	always @(posedge clk) begin
		if (ctl_in[V]) begin
			a_out <= a_in;
			w_out <= w_in;
			sel_out <= sel_in;
		end
		if (!rst_l)
			ctl_out <= 3'b000;
		else
			ctl_out <= ctl_in;
	end

	/* control of each stage: [0] after the mux, [1] after the multiply,
	 * [1 + l] after tree level l */
	reg [3*(LEVELS+2)-1:0] ctl_p;
	integer s;
	always @(posedge clk) begin
		if (!rst_l) begin
			ctl_p <= {(3*(LEVELS+2)){1'b0}};
		end else begin
			ctl_p[2:0] <= ctl_in;
			for (s = 1; s < LEVELS + 2; s = s + 1)
				ctl_p[3*s +: 3] <= ctl_p[3*(s-1) +: 3];
		end
	end

	/* 1: mux select, with the window padded to 2^SELB positions (zeros,
	 * never selected by a well-formed beat) so that every select is in range */
	wire [NPAD*ACT_BITS-1:0] win;
	generate
		if (NPAD > WIN) begin : g_pad
			assign win = {{((NPAD-WIN)*ACT_BITS){1'b0}}, a_in};
		end else begin : g_full
			assign win = a_in;
		end
	endgenerate
	reg  [N_MAX*ACT_BITS-1:0]    a1;	/* activation in front of multiplier j */
	reg  [N_MAX*WEIGHT_BITS-1:0] w1;	/* its weight */
	integer j;
	always @(posedge clk) begin
		if (ctl_in[V]) begin
			for (j = 0; j < N_MAX; j = j + 1)
				a1[j*ACT_BITS +: ACT_BITS] <= win[sel_in[j*SELB +: SELB]*ACT_BITS +: ACT_BITS];
			w1 <= w_in;
		end
	end

	/* 2: multiply, signed, exact in PW bits */
	reg [N_MAX*PW-1:0] p2;
	genvar gm;
	generate
		for (gm = 0; gm < N_MAX; gm = gm + 1) begin : g_mul
			wire signed [ACT_BITS-1:0]    a_j = a1[gm*ACT_BITS +: ACT_BITS];
			wire signed [WEIGHT_BITS-1:0] w_j = w1[gm*WEIGHT_BITS +: WEIGHT_BITS];
			always @(posedge clk)
				if (ctl_p[V])
					p2[gm*PW +: PW] <= a_j * w_j;
		end
	endgenerate

	/* 3: adder tree. Level l holds ceil(N_MAX / 2^l) nodes in lv at
	 * [(l*N_MAX + i)*TW +: TW], the rest of its N_MAX slots 0; level 0 is
	 * the products. (Sign extension as {msb x (n+1), low bits}: no
	 * zero-width replication when n = 0.) */
	wire [(LEVELS+1)*N_MAX*TW-1:0] lv;
	genvar gl, gi;
	generate
		for (gi = 0; gi < N_MAX; gi = gi + 1) begin : g_prod
			assign lv[gi*TW +: TW] = {{(TW-PW+1){p2[gi*PW+PW-1]}}, p2[gi*PW +: PW-1]};
		end
		for (gl = 1; gl <= LEVELS; gl = gl + 1) begin : g_lvl
			localparam integer PREV  = (N_MAX + (1 << (gl-1)) - 1) >> (gl-1);	/* nodes one level up */
			localparam integer NODES = (N_MAX + (1 << gl) - 1) >> gl;
			reg [NODES*TW-1:0] node;
			integer i;
			always @(posedge clk)
				if (ctl_p[3*gl + V])
					for (i = 0; i < NODES; i = i + 1)
						node[i*TW +: TW] <= lv[((gl-1)*N_MAX + 2*i)*TW +: TW] +
							(2*i + 1 < PREV ? lv[((gl-1)*N_MAX + 2*i + 1)*TW +: TW] : {TW{1'b0}});
			assign lv[gl*N_MAX*TW +: NODES*TW] = node;
			if (NODES < N_MAX) begin : g_fill
				assign lv[(gl*N_MAX + NODES)*TW +: (N_MAX-NODES)*TW] = {((N_MAX-NODES)*TW){1'b0}};
			end
		end
	endgenerate

	/* 4: accumulate the tree's root */
	wire [2:0]  ctl4  = ctl_p[3*(LEVELS+1) +: 3];
	wire        first = ctl4[F];
	wire [31:0] sum   = {{(33-TW){lv[LEVELS*N_MAX*TW+TW-1]}}, lv[LEVELS*N_MAX*TW +: TW-1]};
	wire [31:0] acc_n = (first ? 32'd0 : acc) + sum;
	always @(posedge clk) begin
		if (ctl4[V]) begin
			acc <= acc_n;
			if (ctl4[L])
				shadow <= acc_n;
		end
	end
endmodule

`default_nettype wire
