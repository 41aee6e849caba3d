export { FileJournal, JournalError } from './file-journal.js';
export { journalKey, type Journal } from './journal.js';
