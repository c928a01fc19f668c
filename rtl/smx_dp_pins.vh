/*
 * smx_dp_pins.vh - the ports both softmax data paths, rtl/smx_online.v and
 * rtl/smx_ita.v, have first in their ANSI port lists: a beat of pass 1 or
 * pass 2 from the sequencer of rtl/smx.v or rtl/gate.v, the row's length
 * and format, the divider's load. The module declares the parameters LANES
 * and N_MAX; its own ports follow, the probabilities p among them.
 */
	input  wire                                         clk,
	input  wire                                         rst_l,	/* synchronous reset */
	input  wire                                         take1,	/* a pass-1 beat is on x_data */
	input  wire                                         take2,	/* a pass-2 beat is on x_data */
	input  wire [(((N_MAX+LANES-1)/LANES > 1) ? $clog2((N_MAX+LANES-1)/LANES) : 1)-1:0] col,	/* its beat in the row */
	input  wire [LANES*8-1:0]                           x_data,	/* lane l at [l*8 +: 8] */
	input  wire [$clog2(N_MAX+1)-1:0]                   n,	/* row length */
	input  wire [3:0]                                   q,	/* in_frac, clamped to 15 */
	input  wire                                         load,	/* the divider takes the row just read */
