/*
 * fu_props.sv - formal properties of the shared function-unit controller
 * rtl/fu.v (make formal, tests/formal/formal.mk). rtl/fu.v is
 * instantiated unchanged; this wrapper sees only its ports.
 *
 * Environment: none but a reset in the first cycle. cmd_valid, cmd_in and
 * later resets are free in every cycle (a unit passes its command port
 * straight to the controller, and the harnesses present random payload
 * while cmd_valid is low), so the proof covers any command stream.
 *
 * Two independent observers, written from the controller's contract
 * (docs/rtl.md, models/fu.c), not from fu.v:
 *
 * - a scoreboard: every command accepted (cmd_valid && cmd_ready, the
 *   handshake as the unit sees it) is pushed on a 4-entry ring; each
 *   rd_done pulse and each wb_done pulse must match the oldest command not
 *   yet completed on that port (op and flags), and nothing may complete
 *   that was not accepted and started. At most 3 commands may be
 *   outstanding (FIFO of 2 and the tile in progress): a controller that
 *   takes a command while full overflows it.
 * - a schedule: commands start in order when the unit is idle, a tile
 *   occupies max(kcycles, 1) cycles, both pulses come on its last, and
 *   cmd_ready = fewer than 2 waiting. The pulses must come exactly then,
 *   so a lost command is a missing pulse, a duplicated one an extra
 *   pulse; cur must hold the started command for the whole tile.
 *
 * The completion pulses have no ready (the unit consumes them in the
 * cycle they are valid); the held-until-taken rule applies to cmd_ready:
 * once raised it stays up until a command is taken.
 */
module fu_props #(
	parameter integer CMD_W   = 64,
	parameter integer KC_BITS = 24,
	parameter integer OP_BITS = 32,
	parameter integer C_FLAGS = 0,
	parameter integer C_OP    = 5,
	parameter integer C_KC    = 37
) (
	input wire             clk,
	input wire             rst_l,
	input wire             cmd_valid,
	input wire [CMD_W-1:0] cmd_in
);
	wire               cmd_ready, active, start;
	wire               rd_done_valid, wb_done_valid;
	wire [4:0]         rd_done_flags, wb_done_flags;
	wire [OP_BITS-1:0] rd_done_op, wb_done_op;
	wire [CMD_W-1:0]   cur, cur_n;

	fu #(.CMD_W(CMD_W), .KC_BITS(KC_BITS), .OP_BITS(OP_BITS),
	     .C_FLAGS(C_FLAGS), .C_OP(C_OP), .C_KC(C_KC)) dut (
		.clk(clk), .rst_l(rst_l), .cmd_valid(cmd_valid), .cmd_in(cmd_in),
		.cmd_ready(cmd_ready), .active(active),
		.rd_done_valid(rd_done_valid), .rd_done_flags(rd_done_flags),
		.rd_done_op(rd_done_op), .wb_done_valid(wb_done_valid),
		.wb_done_flags(wb_done_flags), .wb_done_op(wb_done_op),
		.cur(cur), .cur_n(cur_n), .start(start));

	/* ---- environment: reset first, then anything ---- */
	reg init = 1'b1;	/* the first cycle: nothing registered yet */
	always @(posedge clk)
		init <= 1'b0;
	always @(*)
		if (init)
			assume (!rst_l);

	/* ---- scoreboard: accepted commands, in order ---- */
	/* ring positions: 3-bit counters, so differences count 0 .. 7 and
	 * an overflow past the 4 entries shows as a count above 3 */
	reg [CMD_W-1:0] sb0, sb1, sb2, sb3;
	reg [2:0]       p_acc;	/* next ring slot to fill */
	reg [2:0]       p_start;	/* oldest command not started */
	reg [2:0]       p_rd;	/* oldest command without its rd_done */
	reg [2:0]       p_wb;	/* oldest command without its wb_done */

	function [CMD_W-1:0] sb_at(input [1:0] i);
		case (i)
		2'd0: sb_at = sb0;
		2'd1: sb_at = sb1;
		2'd2: sb_at = sb2;
		default: sb_at = sb3;
		endcase
	endfunction

	wire [2:0] n_wait = p_acc - p_start;	/* accepted, not started */
	wire [2:0] n_run_rd = p_start - p_rd;	/* started, no rd_done yet */
	wire [2:0] n_run_wb = p_start - p_wb;	/* started, no wb_done yet */
	wire [CMD_W-1:0] sb_rd = sb_at(p_rd[1:0]);
	wire [CMD_W-1:0] sb_wb = sb_at(p_wb[1:0]);
	wire accept = cmd_valid && cmd_ready;

	/* ---- schedule: when each command starts and ends ---- */
	reg [KC_BITS-1:0] s_left;	/* busy cycles left of the tile in progress */
	reg [CMD_W-1:0]   s_cur;	/* the last command started */
	reg               s_ready, s_active, s_done;

	wire [CMD_W-1:0]   s_head = sb_at(p_start[1:0]);
	wire [KC_BITS-1:0] head_kc = s_head[C_KC +: KC_BITS];
	/* idle (no busy cycle left) and a command waiting */
	wire               s_start = s_left == {KC_BITS{1'b0}} && n_wait != 3'd0;
	/* busy cycles before this clock's: a tile of 0 kcycles takes 1 */
	wire [KC_BITS-1:0] left1 = !s_start ? s_left :
				   head_kc == {KC_BITS{1'b0}} ? {{(KC_BITS-1){1'b0}}, 1'b1} : head_kc;
	wire               busy = left1 != {KC_BITS{1'b0}};
	wire [KC_BITS-1:0] left2 = busy ? left1 - 1'b1 : left1;
	wire               last = busy && left2 == {KC_BITS{1'b0}};
	/* waiting after this clock: started one leaves, an accepted one joins */
	wire [2:0]         n_wait2 = n_wait - {2'd0, s_start} + {2'd0, accept};

	always @(posedge clk) begin
		if (!rst_l) begin
			p_acc <= 3'd0;
			p_start <= 3'd0;
			p_rd <= 3'd0;
			p_wb <= 3'd0;
			s_left <= {KC_BITS{1'b0}};
			s_cur <= {CMD_W{1'b0}};
			s_ready <= 1'b1;
			s_active <= 1'b0;
			s_done <= 1'b0;
		end else begin
			if (accept) begin
				case (p_acc[1:0])
				2'd0: sb0 <= cmd_in;
				2'd1: sb1 <= cmd_in;
				2'd2: sb2 <= cmd_in;
				default: sb3 <= cmd_in;
				endcase
				p_acc <= p_acc + 3'd1;
			end
			if (rd_done_valid)
				p_rd <= p_rd + 3'd1;
			if (wb_done_valid)
				p_wb <= p_wb + 3'd1;
			if (s_start) begin
				p_start <= p_start + 3'd1;
				s_cur <= s_head;
			end
			s_left <= left2;
			s_active <= busy;
			s_done <= last;
			s_ready <= n_wait2 < 3'd2;
		end
	end

	/* ---- properties ---- */
	reg past_ready_idle = 1'b0;	/* last cycle: ready, no valid, no reset */
	always @(posedge clk)
		past_ready_idle <= rst_l && cmd_ready && !cmd_valid;

	always @(*) begin
		if (!init) begin
			/* no more commands in flight than the FIFO and the tile in
			 * progress hold: never accepted while full */
			assert (n_wait <= 3'd2);
			assert (n_run_rd <= 3'd1 && n_run_wb <= 3'd1);
			/* nothing completes that was not accepted and started; each
			 * completion carries the oldest uncompleted command's op and
			 * flags: none lost, none duplicated, in order */
			if (rd_done_valid) begin
				assert (n_run_rd == 3'd1);
				assert (rd_done_op == sb_rd[C_OP +: OP_BITS]);
				assert (rd_done_flags == sb_rd[C_FLAGS +: 5]);
			end
			if (wb_done_valid) begin
				assert (n_run_wb == 3'd1);
				assert (wb_done_op == sb_wb[C_OP +: OP_BITS]);
				assert (wb_done_flags == sb_wb[C_FLAGS +: 5]);
			end
			/* the schedule: one rd_done and one wb_done exactly on the
			 * last busy cycle of each tile, so a command that is lost
			 * misses its pulses and a duplicate adds some */
			assert (rd_done_valid == s_done);
			assert (wb_done_valid == s_done);
			assert (active == s_active);
			assert (start == s_start);
			/* the tile's command is held, unchanged, while it runs */
			assert (cur == s_cur);
			assert (cur_n == (s_start ? s_head : s_cur));
			/* ready means "FIFO not full": not full -> ready (no lost
			 * cycle), full -> not ready (no overflow) */
			assert (cmd_ready == s_ready);
			/* ready, once raised, is held until a command is taken */
			if (past_ready_idle)
				assert (cmd_ready);

			/* the observers' own invariants (they make the proof
			 * inductive; each follows from the updates above) */
			assert (p_rd == p_wb);
			assert (s_ready == (n_wait < 3'd2));
			assert (!(s_done && s_left != {KC_BITS{1'b0}}));
			assert (s_active == (s_left != {KC_BITS{1'b0}} || s_done));
			assert (n_run_wb == ((s_left != {KC_BITS{1'b0}} || s_done) ? 3'd1 : 3'd0));
			assert (n_run_wb == 3'd0 || s_cur == sb_wb);
		end
	end

`ifdef FU_PROPS_WHITEBOX
	/* Lemmas on the controller's state (its FIFO ring, occupancy and
	 * countdown), for the induction only: with them every property
	 * above is 1-inductive. These wires are left undriven here; the
	 * proof script drives them from the flattened instance's registers
	 * (yosys `connect`), so fu.v keeps its ports. */
	wire [CMD_W-1:0]   wb_fifo0, wb_fifo1;
	wire               wb_f_head;
	wire [1:0]         wb_f_len;
	wire [KC_BITS-1:0] wb_left;
	wire [CMD_W-1:0]   wb_q0 = wb_f_head ? wb_fifo1 : wb_fifo0;	/* oldest waiting */
	wire [CMD_W-1:0]   wb_q1 = wb_f_head ? wb_fifo0 : wb_fifo1;	/* the next */
	wire [2:0]         p_start1 = p_start + 3'd1;

	always @(*) begin
		if (!init) begin
			assert (wb_left == s_left);
			assert ({1'b0, wb_f_len} == n_wait);
			assert (n_wait == 3'd0 || wb_q0 == s_head);
			assert (n_wait < 3'd2 || wb_q1 == sb_at(p_start1[1:0]));
		end
	end
`endif

`ifdef FU_PROPS_COVER
	/* non-vacuity: a trace in which 4 commands complete, one of them of
	 * 0 kcycles, and a command met a full FIFO (cmd_valid, !cmd_ready) */
	reg [2:0] n_done = 3'd0;
	reg       saw_zero = 1'b0, saw_full = 1'b0;
	always @(posedge clk) begin
		if (!init && wb_done_valid && n_done != 3'd7)
			n_done <= n_done + 3'd1;
		if (!init && s_start && head_kc == {KC_BITS{1'b0}})
			saw_zero <= 1'b1;
		if (!init && cmd_valid && !cmd_ready)
			saw_full <= 1'b1;
	end
	always @(*)
		if (!init)
			cover (n_done >= 3'd4 && saw_zero && saw_full);
`endif
endmodule
