#ifndef FUNNEL_CNCURSESW_SHIM_H
#define FUNNEL_CNCURSESW_SHIM_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <sys/ioctl.h>
#include <ncursesw/curses.h>

/* Globals and macros that Swift cannot import directly. */
static inline FILE *funnel_stdout(void) { return stdout; }
static inline FILE *funnel_stdin(void) { return stdin; }
static inline WINDOW *funnel_stdscr(void) { return stdscr; }
static inline int funnel_lines(void) { return LINES; }
static inline int funnel_cols(void) { return COLS; }
static inline int funnel_colors(void) { return COLORS; }
static inline int funnel_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t funnel_a_normal(void) { return A_NORMAL; }
static inline attr_t funnel_a_bold(void) { return A_BOLD; }
static inline attr_t funnel_a_underline(void) { return A_UNDERLINE; }
static inline attr_t funnel_a_reverse(void) { return A_REVERSE; }
static inline attr_t funnel_a_dim(void) { return A_DIM; }
static inline int funnel_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int funnel_set_escdelay(int ms) { return set_escdelay(ms); }
static inline int funnel_key_code_yes(void) { return KEY_CODE_YES; }

/* Key codes. */
static inline int funnel_key_up(void) { return KEY_UP; }
static inline int funnel_key_down(void) { return KEY_DOWN; }
static inline int funnel_key_left(void) { return KEY_LEFT; }
static inline int funnel_key_right(void) { return KEY_RIGHT; }
static inline int funnel_key_home(void) { return KEY_HOME; }
static inline int funnel_key_end(void) { return KEY_END; }
static inline int funnel_key_ppage(void) { return KEY_PPAGE; }
static inline int funnel_key_npage(void) { return KEY_NPAGE; }
static inline int funnel_key_ic(void) { return KEY_IC; }
static inline int funnel_key_dc(void) { return KEY_DC; }
static inline int funnel_key_backspace(void) { return KEY_BACKSPACE; }
static inline int funnel_key_enter(void) { return KEY_ENTER; }
static inline int funnel_key_btab(void) { return KEY_BTAB; }
static inline int funnel_key_resize(void) { return KEY_RESIZE; }
static inline int funnel_key_mouse(void) { return KEY_MOUSE; }
static inline int funnel_key_f0(void) { return KEY_F0; }
static inline int funnel_key_max(void) { return KEY_MAX; }

/* Mouse. */
static inline mmask_t funnel_mouse_mask(void) {
    return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}
static inline mmask_t funnel_button1_mask(void) { return BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED; }
static inline mmask_t funnel_wheel_up_mask(void) { return BUTTON4_PRESSED; }
static inline mmask_t funnel_wheel_down_mask(void) { return BUTTON5_PRESSED; }
/* Reads the pending mouse event; returns 0 on success. */
static inline int funnel_getmouse(int *x, int *y, mmask_t *state) {
    MEVENT event;
    if (getmouse(&event) != OK) return -1;
    *x = event.x; *y = event.y; *state = event.bstate;
    return 0;
}

/* Writes one grapheme (up to 8 wide chars) with attributes and a colour pair at (y, x). */
static inline int funnel_put_cell(WINDOW *win, int y, int x, const wchar_t *text, int length, attr_t attrs, int pair) {
    cchar_t cell;
    wchar_t buffer[CCHARW_MAX + 1];
    if (length <= CCHARW_MAX) {
        memcpy(buffer, text, sizeof(wchar_t) * (size_t)length);
        buffer[length] = L'\0';
        if (setcchar(&cell, buffer, attrs, (short)0, &pair) != OK) return ERR;
        return mvwadd_wch(win, y, x, &cell);
    }
    /* Long sequences (ZWJ emoji): write them as a string. */
    wattr_set(win, attrs, (short)0, &pair);
    return mvwaddnwstr(win, y, x, text, length);
}

/* The window size of a terminal fd; returns 0 on success. */
static inline int funnel_window_size(int fd, int *rows, int *cols) {
    struct winsize ws;
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return -1;
    *rows = ws.ws_row; *cols = ws.ws_col;
    return 0;
}

/* Reads a row back as wide chars (for headless tests). */
static inline int funnel_read_row(WINDOW *win, int y, wchar_t *out, int capacity) {
    return mvwinnwstr(win, y, 0, out, capacity);
}

/* Best-effort terminal restore from a fatal signal or exit: leave curses mode, then re-raise. */
static void funnel_restore_terminal(void) {
    if (stdscr != NULL && !isendwin()) {
        static const char reset[] = "\033[?2004l\033[?1000l\033[?1002l\033[?1006l";
        endwin();
        if (isatty(STDOUT_FILENO)) (void)!write(STDOUT_FILENO, reset, sizeof reset - 1);
    }
}
static void funnel_fatal_signal_handler(int sig) {
    funnel_restore_terminal();
    signal(sig, SIG_DFL);
    raise(sig);
}
static inline void funnel_install_fatal_handlers(void) {
    int signals[] = { SIGSEGV, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) signal(signals[i], funnel_fatal_signal_handler);
}
static inline void funnel_register_atexit(void) { atexit(funnel_restore_terminal); }

/* The signals whose default action ends the process without a core dump or a backtrace, that the
   run loop turns into a clean exit (terminal restored, status 128+n). A signal the run loop does not
   read (before it watches them, or delivered to another thread) comes to this handler, which
   restores the terminal and ends the same way, status 128+n. It re-raised the signal before, so
   how Funnel ended depended on whether libdispatch had registered its sources yet (they are
   registered on its manager thread, after the first frame may be drawn): a loaded fresh-clone
   test run saw SIGALRM kill it and the shell print "Alarm clock". */
static void funnel_ending_signal_handler(int sig) {
    funnel_restore_terminal();
    _exit(128 + sig);
}
static inline void funnel_install_ending_handlers(void) {
    int signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) signal(signals[i], funnel_ending_signal_handler);
}

/* SIGPIPE: caught by a handler that does nothing, so a write to a closed pipe fails with EPIPE
   instead of ending the process. A caught signal (unlike an ignored one) is reset to its default
   action by exec, so a program Funnel starts ($EDITOR) gets the usual SIGPIPE. */
static void funnel_ignore_signal(int sig) { (void)sig; }
static inline void funnel_catch_sigpipe(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = funnel_ignore_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigaction(SIGPIPE, &action, NULL);
}

#endif
