/*
 * fu_pins.vh - the ports every function unit built on rtl/fu.v has, in
 * its ANSI port list before its own: the command handshake with the
 * controller's fields of struct unit_cmd (flags, op, kcycles) and the
 * status and completion pulses of struct fu_out. The unit declares the
 * parameters OP_BITS and KC_BITS; rtl/fu_ctl.vh connects these ports to
 * the controller.
 */
	input  wire               clk,
	input  wire               rst_l,		/* synchronous reset */
	input  wire               cmd_valid,
	output wire               cmd_ready,		/* FIFO not full */
	input  wire [4:0]         cmd_flags,		/* UNIT_*, echoed */
	input  wire [OP_BITS-1:0] cmd_op,
	input  wire [KC_BITS-1:0] cmd_kcycles,		/* busy cycles: the unit's tile time */
	output wire               active,		/* busy in the last cycle */
	output wire               rd_done_valid,
	output wire [4:0]         rd_done_flags,
	output wire [OP_BITS-1:0] rd_done_op,
	output wire               wb_done_valid,
	output wire [4:0]         wb_done_flags,
	output wire [OP_BITS-1:0] wb_done_op,
