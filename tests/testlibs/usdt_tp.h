/* usdt_tp.h: interface of libusdt_tp.so (see usdt_tp.c). */
#ifndef BT_TESTLIB_USDT_TP_H
#define BT_TESTLIB_USDT_TP_H

long myclock(void);

#endif
