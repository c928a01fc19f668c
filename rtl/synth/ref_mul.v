/*
 * ref_mul.v - the yardstick of rtl/synth.mk: one signed A_BITS x B_BITS
 * multiply between registers (operands registered, product registered),
 * synthesized the same way as rtl/sde_pe.v. Its longest register-to-register
 * path is what one pipeline stage of the PE may cost; the PE's multiply
 * stage is this circuit, N_MAX times side by side.
 */
`default_nettype none

module ref_mul #(
	parameter integer A_BITS = 8,	/* activation width */
	parameter integer B_BITS = 8	/* weight width */
) (
	input  wire                     clk,
	input  wire [A_BITS-1:0]        a,
	input  wire [B_BITS-1:0]        b,
	output reg  [A_BITS+B_BITS-1:0] p	/* exact signed product */
);
	reg [A_BITS-1:0] a_r;
	reg [B_BITS-1:0] b_r;

	always @(posedge clk) begin
		a_r <= a;
		b_r <= b;
		p <= $signed(a_r) * $signed(b_r);
	end
endmodule

`default_nettype wire
