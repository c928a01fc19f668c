/*
 * fu_ctl.vh - a function unit's controller: rtl/fu.v (models/fu.c) on the
 * ports of rtl/fu_pins.vh, included in the unit's module after it declares
 * its packed command: localparams CMD_W, C_FLAGS, C_OP and C_KC (bit
 * offsets of the controller's fields) and wire cmd_in [CMD_W-1:0]. It
 * declares cur (the tile in progress, for the data path), cur_n (the tile
 * in progress after this clock, for the sequencer) and start (a tile
 * starts this clock). The packed command also carries the controller's
 * fields (flags, op, kcycles), which fu.v reads and the data path does not.
 */
	/* verilator lint_off UNUSEDSIGNAL */
	wire [CMD_W-1:0] cur;		/* tile in progress */
	wire [CMD_W-1:0] cur_n;		/* tile in progress after this clock */
	/* verilator lint_on UNUSEDSIGNAL */
	wire             start;		/* a tile starts this clock */

	fu #(.CMD_W(CMD_W), .KC_BITS(KC_BITS), .OP_BITS(OP_BITS),
	     .C_FLAGS(C_FLAGS), .C_OP(C_OP), .C_KC(C_KC)) ctl (
		.clk(clk), .rst_l(rst_l), .cmd_valid(cmd_valid), .cmd_in(cmd_in),
		.cmd_ready(cmd_ready), .active(active),
		.rd_done_valid(rd_done_valid), .rd_done_flags(rd_done_flags),
		.rd_done_op(rd_done_op), .wb_done_valid(wb_done_valid),
		.wb_done_flags(wb_done_flags), .wb_done_op(wb_done_op),
		.cur(cur), .cur_n(cur_n), .start(start));
