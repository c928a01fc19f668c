/*
 * ctl.h - the controller ports every compute unit's RTL shares with its C
 * model (rtl/fu.v, rtl/sde.v: cmd_ready, active, the rd_done and wb_done
 * pulses), and the one comparison of them. Both sides that run RTL against
 * a model link it: the lockstep harnesses (sim/cosim/lockstep.c) and the
 * SystemC RTL wrappers (sim/systemc/rtl_units.cpp); each words the
 * disagreement its own way.
 *
 * No state: plain values in, the first difference out.
 */
#ifndef SIM_COSIM_CTL_H
#define SIM_COSIM_CTL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct unit_cmd;

/* The ports, named as in the RTL. */
struct ctl_ports {
	uint8_t cmd_ready;	/* 1: the command FIFO takes a command */
	uint8_t active;		/* 1: busy in the cycle just clocked */
	uint8_t rd_done_valid;	/* pulse: a command's operands are read */
	uint8_t rd_done_flags;	/* its UNIT_* flags */
	uint32_t rd_done_op;	/* its op */
	uint8_t wb_done_valid;	/* pulse: a tile's outputs are written */
	uint8_t wb_done_flags;	/* its UNIT_* flags */
	uint32_t wb_done_op;	/* its op */
};

/* The command inputs every unit has, named as in the RTL; each unit's
 * pins add their own payload after them. */
struct ctl_cmd {
	uint8_t cmd_valid;	/* 1: a command is presented */
	uint8_t cmd_flags;	/* its UNIT_* flags */
	uint32_t cmd_op;	/* its op: the command's sequence number */
	uint32_t cmd_rows;	/* rows (tokens) of its tile */
	uint32_t cmd_cols;	/* columns (row length, experts) */
	uint32_t cmd_kcycles;	/* busy cycles the model gives it */
};

/* The pins of command *in as a model takes it (kcycles cut to 32 bits). */
struct ctl_cmd ctl_cmd_of(const struct unit_cmd *in);

/* A model's registered outputs (struct fu_out, struct sde_out) as ports. */
struct ctl_ports ctl_of(uint8_t cmd_ready, uint8_t active,
			const struct unit_cmd *rd_done,
			const struct unit_cmd *wb_done);

/*
 * The first port where rtl differs from model, in port order (cmd_ready,
 * active, rd_done_valid, rd_done_flags, rd_done_op, wb_done_valid,
 * wb_done_flags, wb_done_op; flags and op only on the model's pulse): its
 * name, with the model's value in *want and the RTL's in *got; NULL when
 * they agree. Eight compares.
 */
const char *ctl_diff(const struct ctl_ports *model,
		     const struct ctl_ports *rtl, uint64_t *want,
		     uint64_t *got);

/* Flip the bit of the port called name ("cmd_ready", "active", "rd_done":
 * its valid, "wb_done": its valid) for a fault-injection test. Returns 1,
 * or 0 when name is none of them. */
int ctl_flip(struct ctl_ports *p, const char *name);

#ifdef __cplusplus
}
#endif

#endif
