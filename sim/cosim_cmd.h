/*
 * cosim_cmd.h - the `stasim cosim` command (see cosim_cmd.c).
 */
#ifndef SIM_COSIM_CMD_H
#define SIM_COSIM_CMD_H

/* `stasim cosim UNIT [options]` with argv as main's; returns the exit status. */
int cosim_cmd(int argc, char **argv);

#endif
