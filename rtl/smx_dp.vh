/*
 * smx_dp.vh - the softmax data path of the unit's ALGORITHM: rtl/smx_ita.v
 * (1) or rtl/smx_online.v (0), as rtl/smx.v and rtl/gate.v's stage 2 drive
 * it, and the check that ALGORITHM is one of them. Included in the unit's
 * module after it declares
 *   localparams DP_N (longest row), LAT (cycles of a row's division or
 *     reciprocal) and FUSED_ROWS (rows of the fused score buffer; 1: none);
 *   the packed command cur with the row's format at C_FRAC (in_frac, read
 *     as 15 above 15) and C_EPS (ita_eps32);
 *   the data path's orders of this cycle: wires dp_take1 and dp_take2 (a
 *     pass-1 or pass-2 beat is on dp_x, LANES scores), dp_col (its beat in
 *     the row), dp_n (row length), dp_load (the divider takes the row);
 *   rtl/smx.v's fused front end: its ports d_* and f_* and wires dp_chk,
 *     dp_chk_r0 and dp_chk_rows (a fused tile ends: check its rows), all 0
 *     when FUSED_ROWS = 1;
 *   the wires this file drives: pv (the probabilities of a pass-2 beat)
 *     and fpv (those of a fetch; 0 without a fused front end).
 * It declares dp_dbg_b, dp_dbg_s and dp_dbg_r: rtl/smx_online.v's debug
 * ports (running max and sum, the reciprocal so far; 0 with ita), which
 * rtl/smx.v puts on its own and other units may leave unread.
 */
	/* in_frac above 15 reads as 15 */
	function [3:0] frac_q(input [4:0] frac);
		frac_q = (frac > 5'd15) ? 4'd15 : frac[3:0];
	endfunction

	/* verilator lint_off UNUSEDSIGNAL */
	wire signed [7:0] dp_dbg_b;
	wire [40:0]       dp_dbg_s;
	wire [24:0]       dp_dbg_r;
	/* verilator lint_on UNUSEDSIGNAL */

	generate
	if (ALGORITHM == 1) begin : g_ita
		/* base-2 scores, group rescaling, the division */
		smx_ita #(.LANES(LANES), .N_MAX(DP_N), .DIV_CYCLES(LAT)) dp (
			.clk(clk), .rst_l(rst_l), .take1(dp_take1), .take2(dp_take2),
			.col(dp_col), .x_data(dp_x), .n(dp_n), .q(frac_q(cur[C_FRAC +: 5])),
			.eps32(cur[C_EPS]), .load(dp_load), .p(pv));
		/* no fused front end: the unit keeps fused commands, drain beats
		 * and fetches away (asserted) */
		assign fpv = {(LANES*8){1'b0}};
		assign dp_dbg_b = 8'sd0;
		assign dp_dbg_s = 41'd0;
		assign dp_dbg_r = 25'd0;
		/* verilator lint_off UNUSEDSIGNAL */
		wire unused_fused = &{1'b0, d_valid, d_row, d_col, d_cnt, d_n, d_frac, d_data,
				      f_valid, f_row, f_col, f_k0, f_klen, f_cnt, f_frac,
				      dp_chk, dp_chk_r0, dp_chk_rows};
		/* verilator lint_on UNUSEDSIGNAL */
	end else begin : g_online
		/* running maximum and sum, the reciprocal; the fused front end */
		smx_online #(.LANES(LANES), .N_MAX(DP_N), .DIV_CYCLES(LAT),
			     .FROWS(FUSED_ROWS)) dp (
			.clk(clk), .rst_l(rst_l), .take1(dp_take1), .take2(dp_take2),
			.col(dp_col), .x_data(dp_x), .n(dp_n), .q(frac_q(cur[C_FRAC +: 5])),
			.load(dp_load), .p(pv),
			.dbg_b(dp_dbg_b), .dbg_s(dp_dbg_s), .dbg_r(dp_dbg_r),
			.d_valid(d_valid), .d_row(d_row), .d_col(d_col), .d_cnt(d_cnt),
			.d_n(d_n), .d_q(frac_q(d_frac)), .d_data(d_data), .f_valid(f_valid),
			.f_row(f_row), .f_col(f_col), .f_k0(f_k0), .f_klen(f_klen),
			.f_cnt(f_cnt), .f_q(frac_q(f_frac)), .fp(fpv),
			.chk(dp_chk), .chk_r0(dp_chk_r0), .chk_rows(dp_chk_rows));
	end
	endgenerate

`ifndef SYNTHESIS
	initial
		if (ALGORITHM != 0 && ALGORITHM != 1)
			$fatal(1, "%m: ALGORITHM %0d has no RTL (0 online, 1 ita)", ALGORITHM);
`endif
