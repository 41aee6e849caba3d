export { FileJournal, JournalError } from './file-journal.js';
export { journalKey, type Journal, type JournalRecord } from './journal.js';
export { JournalSession, type ResumeOptions } from './resume.js';
