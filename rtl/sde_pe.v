/*
 * sde_pe.v - one processing element of the sparse-dense engine (see
 * models/sde.h and docs/models.md, "The sparse-dense engine").
 *
 * N_MAX multipliers, each behind an M_MAX:1 multiplexer over the window of
 * activations of this PE's row (bypassed for dense operands: multiplier j
 * takes window position j), an adder tree and an int32 accumulator that wraps
 * like two's-complement C arithmetic (models/sde.c dot_sparse / dot_dense).
 * A shadow register holds a finished tile while the accumulator starts the
 * next one; the engine's write-back reads only the shadow.
 *
 * Abstraction: the mux, multiply, tree and accumulate stages that the model's
 * pipe depth counts are folded into one clock here; the engine's port timing
 * (flush = skew + pipe) is produced by its drain machine, not by this PE.
 *
 * Invariant: acc changes only on a beat; shadow changes only on copy, and
 * then takes exactly the value acc takes on the same edge.
 */
`default_nettype none

module sde_pe #(
	parameter integer N_MAX       = 2,	/* multipliers */
	parameter integer M_MAX       = 8,	/* inputs of each index mux */
	parameter integer ACT_BITS    = 8,	/* activation width, <= 16 */
	parameter integer WEIGHT_BITS = 8	/* weight width, <= 16 */
) (
	input  wire                                               clk,
	input  wire                                               beat,	/* a k-slice is on win/w/sel */
	input  wire                                               first,	/* the slice opens a tile: restart at 0 */
	input  wire                                               copy,	/* shadow takes this edge's acc */
	input  wire                                               dense,	/* mux bypass */
	input  wire [((M_MAX > N_MAX) ? M_MAX : N_MAX)*ACT_BITS-1:0] win,	/* position p at [p*ACT_BITS +: ACT_BITS] */
	input  wire [N_MAX*WEIGHT_BITS-1:0]                       w,	/* multiplier j at [j*WEIGHT_BITS +: WEIGHT_BITS], 0 if unused */
	input  wire [N_MAX*((M_MAX > 1) ? $clog2(M_MAX) : 1)-1:0]  sel,	/* sparse: window position for multiplier j */
	output reg  [31:0]                                        shadow	/* finished tile's accumulator */
);
	localparam integer SB = (M_MAX > 1) ? $clog2(M_MAX) : 1;	/* mux select bits */

	reg [31:0] acc;			/* running sum of the tile being streamed */
	reg [31:0] acc_next;		/* value acc takes at the next edge */
	reg [31:0] sum;			/* adder tree output of this beat */
	reg [ACT_BITS-1:0] a_sel;	/* activation in front of one multiplier */
	reg [31:0] a32, w32;		/* sign-extended multiplier operands */
	integer j, p;

	always @(*) begin
		sum = 32'd0;
		for (j = 0; j < N_MAX; j = j + 1) begin
			a_sel = {ACT_BITS{1'b0}};
			if (dense) begin
				a_sel = win[j*ACT_BITS +: ACT_BITS];
			end else begin
				for (p = 0; p < M_MAX; p = p + 1)
					if (sel[j*SB +: SB] == p[SB-1:0])
						a_sel = win[p*ACT_BITS +: ACT_BITS];
			end
			a32 = {{(32-ACT_BITS){a_sel[ACT_BITS-1]}}, a_sel};
			w32 = {{(32-WEIGHT_BITS){w[j*WEIGHT_BITS+WEIGHT_BITS-1]}},
			       w[j*WEIGHT_BITS +: WEIGHT_BITS]};
			sum = sum + a32 * w32;
		end
		acc_next = acc;
		if (beat)
			acc_next = (first ? 32'd0 : acc) + sum;
	end

	always @(posedge clk) begin
		acc <= acc_next;
		if (copy)
			shadow <= acc_next;
	end
endmodule

`default_nettype wire
