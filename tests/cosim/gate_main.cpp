// gate_main.cpp - the Verilator side of the gate-unit (top-k) co-simulation:
// context, model, reset window, one tick() per clock, final(). Everything
// else (the stimulus, the C model, the comparison) is C code in
// gate_cosim.c; this file only copies struct gate_pins to and from the
// Verilated ports.
#include <cstdint>
#include <cstdio>
#include <memory>

#include <verilated.h>
#if VM_TRACE
#include <verilated_vcd_c.h>
#endif

#include "Vgate.h"
#include "gate_cosim.h"

namespace {

const int kResetCycles = GATE_COSIM_RESET_CYCLES;	// clocks with rst_l low

struct Bench {
	VerilatedContext *ctx;
	Vgate *top;
#if VM_TRACE
	VerilatedVcdC *vcd = nullptr;
#endif
};

// Ports of up to 64 bits are plain integers, wider ones VlWide word arrays.
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

void to_model(Vgate *m, const gate_pins &p)
{
	m->rst_l = p.rst_l;
	m->cmd_valid = p.cmd_valid;
	m->cmd_flags = p.cmd_flags;
	m->cmd_op = p.cmd_op;
	m->cmd_rows = p.cmd_rows;
	m->cmd_cols = p.cmd_cols;
	m->cmd_k = p.cmd_k;
	m->cmd_kcycles = p.cmd_kcycles;
	m->l_data = p.l_data;
}

void from_model(const Vgate *m, gate_pins &p)
{
	p.cmd_ready = m->cmd_ready;
	p.active = m->active;
	p.rd_done_valid = m->rd_done_valid;
	p.rd_done_flags = m->rd_done_flags;
	p.rd_done_op = m->rd_done_op;
	p.wb_done_valid = m->wb_done_valid;
	p.wb_done_flags = m->wb_done_flags;
	p.wb_done_op = m->wb_done_op;
	p.l_rd = m->l_rd;
	p.l_tok = m->l_tok;
	p.l_exp = m->l_exp;
	p.out_valid = m->out_valid;
	p.out_tok = m->out_tok;
	get(m->out_idx, p.out_idx);
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
	gate_cosim *cs = gate_cosim_new(argc, argv, &status);

	if (!cs)
		return status;
	const auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
#if VM_TRACE
	ctx->traceEverOn(gate_cosim_vcd(cs) != nullptr);	// before the model exists
#endif
	const auto top = std::make_unique<Vgate>(ctx.get());
	Bench b{ctx.get(), top.get()};
#if VM_TRACE
	std::unique_ptr<VerilatedVcdC> vcd;
	if (gate_cosim_vcd(cs)) {
		vcd = std::make_unique<VerilatedVcdC>();
		top->trace(vcd.get(), 99);
		vcd->open(gate_cosim_vcd(cs));
		b.vcd = vcd.get();
	}
#else
	if (gate_cosim_vcd(cs))
		std::fprintf(stderr, "gate_cosim: no VCD: build with COSIM_TRACE=1\n");
#endif

	gate_pins p;
	gate_cosim_reset_pins(cs, &p);
	to_model(top.get(), p);
	for (int i = 0; i < kResetCycles; i++)
		tick(b);
	from_model(top.get(), p);
	gate_cosim_check(cs, &p);
	while (!gate_cosim_done(cs)) {
		gate_cosim_drive(cs, &p);
		to_model(top.get(), p);
		tick(b);
		from_model(top.get(), p);
		gate_cosim_check(cs, &p);
	}
	top->final();
#if VM_TRACE
	if (vcd)
		vcd->close();
#endif
	return gate_cosim_finish(cs);
}
