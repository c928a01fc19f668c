/*
 * smx_div.vh - the restoring divider of the softmax data paths, shared by
 * rtl/smx_online.v (r = floor(2^48 / s): 25 quotient bits, a 41-bit
 * divisor) and rtl/smx_ita.v (inv = floor(65280 / acc): 8 quotient bits, a
 * 19-bit divisor, zero-extended to these widths). Included in the module
 * after it declares localparam DIV_STEPS, the steps of one cycle. A step
 * shifts the partial remainder and the quotient left by one bit and takes
 * the divisor off the remainder where it fits (setting the quotient bit);
 * neither data path's remainder or quotient outgrows its own width, so the
 * wider operands here give the same bits.
 */
	/* DIV_STEPS restoring steps, none once left is 0: {rem, q, left} after
	 * them, rem at [71:30], q at [29:5], left at [4:0] */
	function [71:0] div_steps(input [41:0] rem0, input [24:0] q0, input [4:0] left0,
				  input [40:0] d);
		reg [41:0] rm;
		reg [24:0] qq;
		reg [4:0]  lf;
		integer    k;
		begin
			rm = rem0;
			qq = q0;
			lf = left0;
			for (k = 0; k < DIV_STEPS; k = k + 1) begin
				if (lf != 5'd0) begin
					rm = rm << 1;
					qq = qq << 1;
					if (rm >= {1'b0, d}) begin
						rm = rm - {1'b0, d};
						qq[0] = 1'b1;
					end
					lf = lf - 5'd1;
				end
			end
			div_steps = {rm, qq, lf};
		end
	endfunction
