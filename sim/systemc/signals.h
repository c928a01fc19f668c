// signals.h - the accelerator's ports as SystemC signal payloads.
//
// Each payload is the C struct the native kernel passes by pointer (a
// command, a unit's status and completion pulses, a DMA command, the DMA's
// status), wrapped so that sc_signal can hold it: field-wise equality,
// printing, and sc_trace of the handshake fields (valid, ready, op, flags)
// so that a VCD shows every port by name. Pointers in a payload (a command's
// functional operands) are carried but not traced.
#ifndef SIM_SYSTEMC_SIGNALS_H
#define SIM_SYSTEMC_SIGNALS_H

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <systemc>

extern "C" {
#include "../../models/dma.h"
#include "../../models/unit.h"
}

namespace stasim {

// A compute unit's command (struct unit_cmd).
struct cmd_sig {
	struct unit_cmd c = {};

	bool operator==(const cmd_sig &o) const
	{
		return c.valid == o.c.valid && c.flags == o.c.flags &&
		       c.op == o.c.op && c.rows == o.c.rows &&
		       c.cols == o.c.cols && c.kcycles == o.c.kcycles &&
		       c.r0 == o.c.r0 && c.c0 == o.c.c0 &&
		       c.head == o.c.head && c.k0 == o.c.k0 &&
		       c.klen == o.c.klen &&
		       c.drain_cpr == o.c.drain_cpr && c.data == o.c.data;
	}
};

// A compute unit's outputs (struct sde_out / struct fu_out: same shape).
struct uout_sig {
	uint8_t cmd_ready = 1;
	uint8_t active = 0;
	cmd_sig rd_done, wb_done;

	bool operator==(const uout_sig &o) const
	{
		return cmd_ready == o.cmd_ready && active == o.active &&
		       rd_done == o.rd_done && wb_done == o.wb_done;
	}
};

// A DMA command (struct dma_cmd).
struct dma_cmd_sig {
	struct dma_cmd c = {};

	bool operator==(const dma_cmd_sig &o) const
	{
		return c.valid == o.c.valid && c.kind == o.c.kind &&
		       c.op == o.c.op && c.bytes == o.c.bytes;
	}
};

// The DMA's outputs (struct dma_out).
struct dma_out_sig {
	struct dma_out o = { 1, 0, {} };

	bool operator==(const dma_out_sig &x) const
	{
		return o.cmd_ready == x.o.cmd_ready && o.active == x.o.active &&
		       dma_cmd_sig{o.done} == dma_cmd_sig{x.o.done};
	}
};

// A drain beat from the engine into a fused softmax unit (rtl/smx.v's d_*
// pins): cnt scores of score-buffer row `row` (head * m + row of Q.K^T)
// from column `col`, of a row n long.
struct drain_sig {
	bool valid = false;
	uint32_t row = 0, col = 0, cnt = 0, n = 0;
	std::vector<int8_t> x;		// cnt scores

	bool operator==(const drain_sig &o) const
	{
		return valid == o.valid && row == o.row && col == o.col &&
		       cnt == o.cnt && n == o.n && x == o.x;
	}
};

// An operand fetch of A.V from a fused softmax unit (rtl/smx.v's f_*
// pins): cnt probabilities of the window of columns k0 .. k0 + klen - 1,
// row-major from row `row`, column `col`.
struct fetch_sig {
	bool valid = false;
	uint32_t row = 0, col = 0, k0 = 0, klen = 0, cnt = 0;

	bool operator==(const fetch_sig &o) const
	{
		return valid == o.valid && row == o.row && col == o.col &&
		       k0 == o.k0 && klen == o.klen && cnt == o.cnt;
	}
};

inline std::ostream &operator<<(std::ostream &s, const drain_sig &v)
{
	return s << "drain{valid=" << v.valid << " row=" << v.row << " col="
		 << v.col << " cnt=" << v.cnt << "}";
}
inline std::ostream &operator<<(std::ostream &s, const fetch_sig &v)
{
	return s << "fetch{valid=" << v.valid << " row=" << v.row << " col="
		 << v.col << " cnt=" << v.cnt << "}";
}
// The fields a drain beat and a fetch share, for the waves.
template <typename Beat>
void trace_beat(sc_core::sc_trace_file *tf, const Beat &v,
		const std::string &n)
{
	sc_core::sc_trace(tf, v.valid, n + ".valid");
	sc_core::sc_trace(tf, v.row, n + ".row", 32);
	sc_core::sc_trace(tf, v.col, n + ".col", 32);
	sc_core::sc_trace(tf, v.cnt, n + ".cnt", 32);
}
inline void sc_trace(sc_core::sc_trace_file *tf, const drain_sig &v,
		     const std::string &n)
{
	trace_beat(tf, v, n);
}
inline void sc_trace(sc_core::sc_trace_file *tf, const fetch_sig &v,
		     const std::string &n)
{
	trace_beat(tf, v, n);
}

inline std::ostream &operator<<(std::ostream &s, const cmd_sig &v)
{
	return s << "cmd{valid=" << unsigned(v.c.valid) << " op=" << v.c.op
		 << " flags=" << unsigned(v.c.flags) << "}";
}
inline std::ostream &operator<<(std::ostream &s, const uout_sig &v)
{
	return s << "out{ready=" << unsigned(v.cmd_ready) << " active="
		 << unsigned(v.active) << " rd_done=" << v.rd_done
		 << " wb_done=" << v.wb_done << "}";
}
inline std::ostream &operator<<(std::ostream &s, const dma_cmd_sig &v)
{
	return s << "dma{valid=" << unsigned(v.c.valid) << " kind="
		 << unsigned(v.c.kind) << " op=" << v.c.op << " bytes="
		 << v.c.bytes << "}";
}
inline std::ostream &operator<<(std::ostream &s, const dma_out_sig &v)
{
	return s << "dma_out{ready=" << unsigned(v.o.cmd_ready) << " active="
		 << unsigned(v.o.active) << " done="
		 << dma_cmd_sig{v.o.done} << "}";
}

inline void sc_trace(sc_core::sc_trace_file *tf, const cmd_sig &v,
		     const std::string &n)
{
	sc_core::sc_trace(tf, v.c.valid, n + ".valid", 1);
	sc_core::sc_trace(tf, v.c.flags, n + ".flags", 5);
	sc_core::sc_trace(tf, v.c.op, n + ".op", 32);
	sc_core::sc_trace(tf, v.c.rows, n + ".rows", 32);
	sc_core::sc_trace(tf, v.c.cols, n + ".cols", 32);
	sc_core::sc_trace(tf, v.c.kcycles, n + ".kcycles", 64);
}
inline void sc_trace(sc_core::sc_trace_file *tf, const uout_sig &v,
		     const std::string &n)
{
	sc_core::sc_trace(tf, v.cmd_ready, n + ".cmd_ready", 1);
	sc_core::sc_trace(tf, v.active, n + ".active", 1);
	sc_trace(tf, v.rd_done, n + ".rd_done");
	sc_trace(tf, v.wb_done, n + ".wb_done");
}
// A DMA command's fields, for the waves: the command, or a done pulse.
inline void trace_dma(sc_core::sc_trace_file *tf, const struct dma_cmd &c,
		      const std::string &n)
{
	sc_core::sc_trace(tf, c.valid, n + ".valid", 1);
	sc_core::sc_trace(tf, c.kind, n + ".kind", 2);
	sc_core::sc_trace(tf, c.op, n + ".op", 32);
	sc_core::sc_trace(tf, c.bytes, n + ".bytes", 64);
}
inline void sc_trace(sc_core::sc_trace_file *tf, const dma_cmd_sig &v,
		     const std::string &n)
{
	trace_dma(tf, v.c, n);
}
inline void sc_trace(sc_core::sc_trace_file *tf, const dma_out_sig &v,
		     const std::string &n)
{
	sc_core::sc_trace(tf, v.o.cmd_ready, n + ".cmd_ready", 1);
	sc_core::sc_trace(tf, v.o.active, n + ".active", 1);
	trace_dma(tf, v.o.done, n + ".done");
}

// Copies between the C structs and the payloads.
inline uout_sig uout_of(uint8_t ready, uint8_t active,
			const struct unit_cmd &rd, const struct unit_cmd &wb)
{
	uout_sig s;

	s.cmd_ready = ready;
	s.active = active;
	s.rd_done.c = rd;
	s.wb_done.c = wb;
	return s;
}

}  // namespace stasim

#endif
