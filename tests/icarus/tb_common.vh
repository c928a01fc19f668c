/*
 * tb_common.vh - what tb_sde.v and tb_smx.v share, `include`d inside each
 * bench's module (from the source tree's root, as icarus.mk builds): the
 * controller's ports (struct fu_out and the command handshake), the vector
 * files and counters, the report of a mismatch and the replay loop, which
 * does what the Verilator harness's tick() does (sim/cosim/cosim_main.h).
 *
 * The including bench declares before it
 *   localparam UNIT         its name as the reports give it ("sde", "smx")
 *   localparam OP_BITS      the op width of its unit
 *   localparam REP_BITS     the widest value a mismatch report prints
 *   localparam STIM_FIELDS  the fields of one stim line
 * and after it the tasks read_stim (one stim line into the input registers
 * and n) and check (read and compare the next expect line).
 *
 * Exit status: 0 after "icarus UNIT: PASS", 1 ($fatal) at the first mismatch
 * or bad file.
 *
 * Invariant: stim line for cycle s drives the clock that ends cycle s; the
 * expect line for cycle s + 1 is compared right after that clock, for every
 * s >= -1 (cycle 0 follows the last reset clock).
 */

	/* ---- the controller's ports, common to the units ---- */
	reg                 clk;
	reg                 rst_l;
	reg                 cmd_valid;
	reg  [4:0]          cmd_flags;
	reg  [OP_BITS-1:0]  cmd_op;
	wire                cmd_ready;
	wire                active;
	wire                rd_done_valid;
	wire [4:0]          rd_done_flags;
	wire [OP_BITS-1:0]  rd_done_op;
	wire                wb_done_valid;
	wire [4:0]          wb_done_flags;
	wire [OP_BITS-1:0]  wb_done_op;

	/* ---- their fields of one expect line ---- */
	integer             e_cycle;
	reg                 e_cmd_ready, e_active, e_rd_valid, e_wb_valid;
	reg  [4:0]          e_rd_flags, e_wb_flags;
	reg  [OP_BITS-1:0]  e_rd_op, e_wb_op;

	/* ---- files and counters ---- */
	reg [8*1024-1:0] stim_path, expect_path;	/* +stim=, +expect= */
	reg [8*4096-1:0] line;				/* a header line */
	integer fs, fe;			/* stim, expect file descriptors */
	integer n;			/* fields a $fscanf or $sscanf matched */
	integer s_cycle;		/* cycle of the stim line being driven */
	integer ticks;			/* stim lines clocked */
	integer compared;		/* expect lines compared */
	integer reset_lines;		/* reset clocks, from the headers */
	integer e_reset;		/* the same field of expect.txt */
	reg [63:0] seed;		/* for the reports */

	/* Stop at the first difference, in the C harness's words. */
	task automatic mismatch(input [8*32-1:0] port, input [REP_BITS-1:0] want,
				input [REP_BITS-1:0] got);
		$fatal(1, "icarus %0s: MISMATCH at cycle %0d port %0s: expected 0x%0h, actual 0x%0h (seed %0d, %0s line %0d)",
		       UNIT, e_cycle, port, want, got, seed, expect_path, compared + 2);
	endtask

	/* Compare one output port when its expected value counts (`when`:
	 * 1 for valid bits, the valid bit for their payloads). */
	task automatic expect_port(input [8*32-1:0] port, input when,
				   input [REP_BITS-1:0] want, input [REP_BITS-1:0] got);
		if (when && got !== want)
			mismatch(port, want, got);
	endtask

	/* The expect line just read: its field count and its cycle, then the
	 * controller's outputs under cosim_check's rules. */
	task automatic check_fu(input integer fields);
		begin
			if (n != fields)
				$fatal(1, "icarus %0s: %0s line %0d: expected %0d fields after cycle %0d, read %0d",
				       UNIT, expect_path, compared + 2, fields, s_cycle, n);
			if (e_cycle != s_cycle + 1)
				$fatal(1, "icarus %0s: %0s line %0d: cycle %0d, but stim cycle %0d ends in cycle %0d",
				       UNIT, expect_path, compared + 2, e_cycle, s_cycle, s_cycle + 1);
			expect_port("cmd_ready", 1'b1, e_cmd_ready, cmd_ready);
			expect_port("active", 1'b1, e_active, active);
			expect_port("rd_done_valid", 1'b1, e_rd_valid, rd_done_valid);
			expect_port("rd_done_flags", e_rd_valid, e_rd_flags, rd_done_flags);
			expect_port("rd_done_op", e_rd_valid, e_rd_op, rd_done_op);
			expect_port("wb_done_valid", 1'b1, e_wb_valid, wb_done_valid);
			expect_port("wb_done_flags", e_wb_valid, e_wb_flags, wb_done_flags);
			expect_port("wb_done_op", e_wb_valid, e_wb_op, wb_done_op);
		end
	endtask

	/* Open +stim= and +expect= (default stim.txt, expect.txt). */
	task automatic open_vectors;
		begin
			if (!$value$plusargs("stim=%s", stim_path))
				stim_path = "stim.txt";
			if (!$value$plusargs("expect=%s", expect_path))
				expect_path = "expect.txt";
			fs = $fopen(stim_path, "r");
			fe = $fopen(expect_path, "r");
			if (fs == 0 || fe == 0)
				$fatal(1, "icarus %0s: cannot open %0s or %0s", UNIT, stim_path, expect_path);
		end
	endtask

	/* Clock every stim line after the headers, comparing the outputs after
	 * each clock from cycle 0 on; then the expect file must end too. */
	task automatic replay;
		begin
			ticks = 0;
			compared = 0;
			clk = 1'b0;
			/* inputs of each clock, changed while clk is high */
			read_stim;
			while (!(n <= 0 && $feof(fs))) begin
				if (n != STIM_FIELDS)
					$fatal(1, "icarus %0s: %0s line %0d: expected %0d fields, read %0d",
					       UNIT, stim_path, ticks + 2, STIM_FIELDS, n);
				if (s_cycle != ticks - reset_lines)
					$fatal(1, "icarus %0s: %0s line %0d: cycle %0d, expected %0d",
					       UNIT, stim_path, ticks + 2, s_cycle, ticks - reset_lines);
				/* tick(): falling, then rising edge; outputs read after it */
				#4 clk = 1'b0;
				#5 clk = 1'b1;
				#1;
				ticks = ticks + 1;
				if (s_cycle >= -1)
					check;
				read_stim;
			end
			n = $fscanf(fe, " %d", e_cycle);
			if (!(n <= 0 && $feof(fe)))
				$fatal(1, "icarus %0s: %0s has lines beyond stim cycle %0d", UNIT, expect_path, s_cycle);
		end
	endtask

	/* Close the files and end the run (exit status 0). */
	task automatic close_vectors;
		begin
			$fclose(fs);
			$fclose(fe);
			$finish;
		end
	endtask
