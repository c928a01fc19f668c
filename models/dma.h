/*
 * dma.h - DMA engine and DRAM channel.
 *
 * One in-order command queue feeding one DRAM channel. A transfer of B bytes
 * (already rounded up to whole bursts by the issuer) occupies the channel for
 * ceil(B / bytes_per_cycle) cycles, then completes latency cycles later;
 * transfers pipeline, so the latency of one hides under the data of the next.
 * Completions come back in issue order, at most one per cycle. An outside
 * memory model (struct dma_mem) may set each transfer's channel and latency
 * cycles instead; completions then still come back in issue order.
 *
 * Ports (registered): in  cmd        valid/payload from the scheduler
 *                     out cmd_ready  queue + channel + in-flight < depth
 *                     out done       one-cycle pulse with the finished cmd
 */
#ifndef MODELS_DMA_H
#define MODELS_DMA_H

#include <stdint.h>

#define DMA_DEPTH_MAX 64

enum dma_kind {
	DMA_LOAD_A = 0,	/* activations DRAM -> act buffer */
	DMA_LOAD_W,	/* weights DRAM -> weight buffer */
	DMA_STORE,	/* outputs out buffer -> DRAM */
	DMA_KIND_COUNT
};

struct dma_cmd {
	uint8_t valid;		/* 1: payload present this cycle */
	uint8_t kind;		/* enum dma_kind */
	uint32_t op;		/* op index, for attribution */
	uint64_t bytes;		/* DRAM bytes moved, whole bursts */
};

struct dma_out {
	uint8_t cmd_ready;	/* 1: a cmd presented now is accepted */
	uint8_t active;		/* 1: the channel moved data in the cycle just stepped */
	struct dma_cmd done;	/* valid for one cycle when a transfer ends */
};

/*
 * Memory timing supplied from outside (the SystemC platform's TLM socket):
 * called once when a transfer starts on the channel, on cycle now; fills
 * the cycles it occupies the channel (>= 1) and the cycles from its last
 * data to its completion. NULL: the built-in channel above.
 */
struct dma_mem {
	void *ctx;
	void (*timing)(void *ctx, const struct dma_cmd *c, uint64_t now,
		       uint64_t *data_cycles, uint64_t *lat_cycles);
};

struct tl_track;

struct dma_flight {
	struct dma_cmd cmd;	/* the transfer */
	uint64_t done_at;	/* cycle on which it completes */
};

struct dma {
	const struct dma_cmd *in;	/* port: scheduler's registered cmd */
	struct dma_out out;		/* port: registered outputs, cycle t */
	struct dma_out nxt;		/* outputs being computed for t + 1 */

	uint64_t bpc_fx;		/* DRAM bytes per cycle, 16.16 fixed point */
	uint64_t latency;		/* cycles from end of data to completion */
	uint32_t depth;			/* commands queued + in the channel + in flight */

	uint64_t now;			/* cycles stepped so far */
	struct dma_cmd queue[DMA_DEPTH_MAX]; /* accepted, not started (ring) */
	uint32_t q_head, q_len;		/* ring position and occupancy */
	struct dma_cmd issuing;		/* on the channel now (valid = busy) */
	uint64_t issue_left;		/* channel cycles left for it */
	uint64_t issue_lat;		/* its latency after the last data */
	const struct dma_mem *mem;	/* outside timing, or NULL */
	struct dma_flight flight[DMA_DEPTH_MAX]; /* data sent, awaiting latency */
	uint32_t f_head, f_len;		/* ring position and occupancy */

	uint64_t busy_cycles;		/* cycles the channel moved data */
	uint64_t bytes[DMA_KIND_COUNT];	/* DRAM bytes started, per kind */
	uint64_t transfers;		/* commands started */
	struct tl_track *tl_load;	/* timeline lanes (may be NULL) */
	struct tl_track *tl_store;
};

struct dma_params {
	uint64_t bpc_fx;	/* bytes per cycle, 16.16 fixed point, >= 1 */
	uint64_t latency;	/* cycles */
	uint32_t depth;		/* 1..DMA_DEPTH_MAX */
};

void dma_init(struct dma *d, const struct dma_params *p,
	      const struct dma_cmd *in);
/* Take channel timing from mem from now on (NULL: built-in). */
void dma_set_mem(struct dma *d, const struct dma_mem *mem);
/* Cycles the channel needs for a transfer of bytes. */
uint64_t dma_transfer_cycles(uint64_t bpc_fx, uint64_t bytes);

/* Kernel entry points (struct kern_ops). */
void dma_step(void *self, uint64_t cycle);
void dma_commit(void *self);
uint64_t dma_horizon(const void *self);
void dma_skip(void *self, uint64_t n);
void dma_check(const void *self, uint64_t cycle);

#endif
