// gelu_main.cpp - the Verilator side of the vector-unit GELU co-simulation:
// context, model, reset window, one tick() per clock, final(). Everything
// else (the stimulus, the C model, the comparison) is C code in
// gelu_cosim.c; this file only copies struct gelu_pins to and from the
// Verilated ports.
#include <cstdint>
#include <cstdio>
#include <memory>

#include <verilated.h>
#if VM_TRACE
#include <verilated_vcd_c.h>
#endif

#include "Vvec_gelu.h"
#include "gelu_cosim.h"

namespace {

const int kResetCycles = GELU_COSIM_RESET_CYCLES;	// clocks with rst_l low

struct Bench {
	VerilatedContext *ctx;
	Vvec_gelu *top;
#if VM_TRACE
	VerilatedVcdC *vcd = nullptr;
#endif
};

// Ports of up to 64 bits are plain integers, wider ones VlWide word arrays.
template <typename T> void put(T &port, const uint32_t *w)
{
	port = static_cast<T>(w[0] | static_cast<uint64_t>(w[1]) << 32);
}
template <std::size_t N> void put(VlWide<N> &port, const uint32_t *w)
{
	for (std::size_t i = 0; i < N; i++)
		port[i] = w[i];
}
template <typename T> void get(const T &port, uint32_t *w)
{
	w[0] = static_cast<uint32_t>(port);
	w[1] = static_cast<uint32_t>(static_cast<uint64_t>(port) >> 32);
}
template <std::size_t N> void get(const VlWide<N> &port, uint32_t *w)
{
	for (std::size_t i = 0; i < N; i++)
		w[i] = port[i];
}

void to_model(Vvec_gelu *m, const gelu_pins &p)
{
	m->rst_l = p.rst_l;
	m->cmd_valid = p.cmd_valid;
	m->cmd_flags = p.cmd_flags;
	m->cmd_op = p.cmd_op;
	m->cmd_rows = p.cmd_rows;
	m->cmd_cols = p.cmd_cols;
	m->cmd_kcycles = p.cmd_kcycles;
	m->cmd_in_frac = p.cmd_in_frac;
	m->cmd_out_frac = p.cmd_out_frac;
	m->cmd_step_log2 = p.cmd_step_log2;
	m->cmd_range_q8 = p.cmd_range_q8;
	put(m->x_data, p.x_data);
}

void from_model(const Vvec_gelu *m, gelu_pins &p)
{
	p.cmd_ready = m->cmd_ready;
	p.active = m->active;
	p.rd_done_valid = m->rd_done_valid;
	p.rd_done_flags = m->rd_done_flags;
	p.rd_done_op = m->rd_done_op;
	p.wb_done_valid = m->wb_done_valid;
	p.wb_done_flags = m->wb_done_flags;
	p.wb_done_op = m->wb_done_op;
	p.x_rd = m->x_rd;
	p.x_beat = m->x_beat;
	p.out_valid = m->out_valid;
	p.out_beat = m->out_beat;
	get(m->out_y, p.out_y);
}

// One clock: falling then rising edge; inputs change only while clk is high.
void tick(Bench &b)
{
	for (int level = 0; level < 2; level++) {
		b.top->clk = level;
		b.top->eval();
#if VM_TRACE
		if (b.vcd)
			b.vcd->dump(b.ctx->time());
#endif
		b.ctx->timeInc(1);
	}
}

}  // namespace

int main(int argc, char **argv)
{
	int status;
	gelu_cosim *cs = gelu_cosim_new(argc, argv, &status);

	if (!cs)
		return status;
	const auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
#if VM_TRACE
	ctx->traceEverOn(gelu_cosim_vcd(cs) != nullptr);	// before the model exists
#endif
	const auto top = std::make_unique<Vvec_gelu>(ctx.get());
	Bench b{ctx.get(), top.get()};
#if VM_TRACE
	std::unique_ptr<VerilatedVcdC> vcd;
	if (gelu_cosim_vcd(cs)) {
		vcd = std::make_unique<VerilatedVcdC>();
		top->trace(vcd.get(), 99);
		vcd->open(gelu_cosim_vcd(cs));
		b.vcd = vcd.get();
	}
#else
	if (gelu_cosim_vcd(cs))
		std::fprintf(stderr, "gelu_cosim: no VCD: build with COSIM_TRACE=1\n");
#endif

	gelu_pins p;
	gelu_cosim_reset_pins(cs, &p);
	to_model(top.get(), p);
	for (int i = 0; i < kResetCycles; i++)
		tick(b);
	from_model(top.get(), p);
	gelu_cosim_check(cs, &p);
	while (!gelu_cosim_done(cs)) {
		gelu_cosim_drive(cs, &p);
		to_model(top.get(), p);
		tick(b);
		from_model(top.get(), p);
		gelu_cosim_check(cs, &p);
	}
	top->final();
#if VM_TRACE
	if (vcd)
		vcd->close();
#endif
	return gelu_cosim_finish(cs);
}
