/*
 * fu.v - the function-unit controller, as models/fu.c: a 2-entry command
 * FIFO; a tile keeps the unit busy for the command's kcycles cycles (0
 * counts as 1); on its last busy cycle rd_done and wb_done pulse with the
 * command's flags and op. Within a clock, in fu_step's order: start the
 * oldest queued command when idle, count one busy cycle, then accept a new
 * command; cmd_ready = FIFO not full. All outputs but cur_n and start are
 * registered. The units that share it (rtl/smx.v, rtl/vec.v) see the
 * packed command through CMD_W-wide buses and read their own fields.
 */
module fu #(
	parameter integer CMD_W   = 64,	/* packed command width */
	parameter integer KC_BITS = 24,	/* width of kcycles */
	parameter integer OP_BITS = 32,	/* width of op */
	parameter integer C_FLAGS = 0,	/* bit offset of the 5 flag bits */
	parameter integer C_OP    = 5,	/* bit offset of op */
	parameter integer C_KC    = 37	/* bit offset of kcycles */
) (
	input  wire               clk,
	input  wire               rst_l,	/* synchronous reset */
	input  wire               cmd_valid,
	input  wire [CMD_W-1:0]   cmd_in,	/* the packed command */
	output reg                cmd_ready,	/* FIFO not full */
	output reg                active,	/* busy in the last cycle */
	output reg                rd_done_valid,
	output reg  [4:0]         rd_done_flags,
	output reg  [OP_BITS-1:0] rd_done_op,
	output reg                wb_done_valid,
	output reg  [4:0]         wb_done_flags,
	output reg  [OP_BITS-1:0] wb_done_op,
	output reg  [CMD_W-1:0]   cur,		/* tile in progress (registered) */
	output reg  [CMD_W-1:0]   cur_n,	/* tile in progress after this clock */
	output reg                start		/* a tile starts this clock */
);
	reg [CMD_W-1:0]   fifo0, fifo1;	/* command FIFO ring, 2 entries */
	reg               f_head;	/* ring position of the oldest entry */
	reg [1:0]         f_len;	/* occupancy, 0 .. 2 */
	reg [KC_BITS-1:0] left;		/* busy cycles left for cur */

	reg [CMD_W-1:0]   fifo0_n, fifo1_n, head;
	reg               f_head_n;
	reg [1:0]         f_len_n;
	reg [KC_BITS-1:0] left_n;
	reg               cmd_ready_n, active_n;
	reg               rd_done_valid_n, wb_done_valid_n;
	reg [4:0]         rd_done_flags_n, wb_done_flags_n;
	reg [OP_BITS-1:0] rd_done_op_n, wb_done_op_n;

	always @(*) begin
		fifo0_n = fifo0;
		fifo1_n = fifo1;
		f_head_n = f_head;
		f_len_n = f_len;
		cur_n = cur;
		left_n = left;
		rd_done_valid_n = 1'b0;
		rd_done_flags_n = rd_done_flags;
		rd_done_op_n = rd_done_op;
		wb_done_valid_n = 1'b0;
		wb_done_flags_n = wb_done_flags;
		wb_done_op_n = wb_done_op;

		/* 1. start the oldest command when idle */
		head = f_head ? fifo1 : fifo0;
		start = left == {KC_BITS{1'b0}} && f_len != 2'd0;
		if (start) begin
			cur_n = head;
			left_n = (head[C_KC +: KC_BITS] == {KC_BITS{1'b0}}) ?
				 {{(KC_BITS-1){1'b0}}, 1'b1} : head[C_KC +: KC_BITS];
			f_head_n = !f_head;
			f_len_n = f_len - 1'b1;
		end
		/* 2. one busy cycle; the pulses on its last */
		active_n = left_n != {KC_BITS{1'b0}};
		if (active_n) begin
			left_n = left_n - 1'b1;
			if (left_n == {KC_BITS{1'b0}}) begin
				rd_done_valid_n = 1'b1;
				rd_done_flags_n = cur_n[C_FLAGS +: 5];
				rd_done_op_n = cur_n[C_OP +: OP_BITS];
				wb_done_valid_n = 1'b1;
				wb_done_flags_n = cur_n[C_FLAGS +: 5];
				wb_done_op_n = cur_n[C_OP +: OP_BITS];
			end
		end
		/* 3. accept a command into the FIFO */
		if (cmd_valid && cmd_ready) begin
			if (f_head_n ^ f_len_n[0])
				fifo1_n = cmd_in;
			else
				fifo0_n = cmd_in;
			f_len_n = f_len_n + 1'b1;
		end
		cmd_ready_n = f_len_n < 2'd2;
	end

	always @(posedge clk) begin
		if (!rst_l) begin
			cmd_ready <= 1'b1;
			active <= 1'b0;
			rd_done_valid <= 1'b0;
			rd_done_flags <= 5'd0;
			rd_done_op <= {OP_BITS{1'b0}};
			wb_done_valid <= 1'b0;
			wb_done_flags <= 5'd0;
			wb_done_op <= {OP_BITS{1'b0}};
			fifo0 <= {CMD_W{1'b0}};
			fifo1 <= {CMD_W{1'b0}};
			f_head <= 1'b0;
			f_len <= 2'd0;
			cur <= {CMD_W{1'b0}};
			left <= {KC_BITS{1'b0}};
		end else begin
			cmd_ready <= cmd_ready_n;
			active <= active_n;
			rd_done_valid <= rd_done_valid_n;
			rd_done_flags <= rd_done_flags_n;
			rd_done_op <= rd_done_op_n;
			wb_done_valid <= wb_done_valid_n;
			wb_done_flags <= wb_done_flags_n;
			wb_done_op <= wb_done_op_n;
			fifo0 <= fifo0_n;
			fifo1 <= fifo1_n;
			f_head <= f_head_n;
			f_len <= f_len_n;
			cur <= cur_n;
			left <= left_n;
		end
	end

`ifndef SYNTHESIS
	always @(posedge clk)
		if (rst_l)
			assert (!(cmd_valid && cmd_ready && f_len_n > 2'd2))
			else $error("fu: command FIFO overflow");
`endif
endmodule
